<#
.SYNOPSIS
    Exports the Qualys host list and NSX authentication records to CSV.
.NOTES
    Runs nightly on ACME-OPS-01. Hosts and credentials below are fake.
#>
param(
    [string]$BaseUri = "https://qualysapi.qualys.eu",
    [string]$OutFile = "C:\Reports\qualys-hosts.csv"
)

$User = "acme_ps"
$Password = ConvertTo-SecureString "Winter2026!" -AsPlainText -Force
$Credential = New-Object System.Management.Automation.PSCredential($User, $Password)
$Headers = @{ "X-Requested-With" = "Export-QualysHosts" }

# Host list: still on the 4.0 Asset Host API.
$hosts = Invoke-RestMethod -Method Post `
    -Uri "$BaseUri/api/4.0/fo/asset/host/?action=list&details=All" `
    -Credential $Credential `
    -Headers $Headers

$hosts.HOST_LIST_OUTPUT.RESPONSE.HOST_LIST.HOST |
    Select-Object ID, IP, DNS, OS, LAST_VULN_SCAN_DATETIME |
    Export-Csv -Path $OutFile -NoTypeInformation

# Host detection (a different API from asset/host above).
$detections = Invoke-RestMethod -Method Get `
    -Uri "$BaseUri/api/5.0/fo/asset/host/vm/detection/?action=list&status=New,Active" `
    -Credential $Credential -Headers $Headers

# NSX authentication records (token pasted in by hand during the 2025 migration).
$nsx = Invoke-RestMethod -Uri "$BaseUri/api/2.0/fo/auth/nsx/?action=list" -Headers @{ "X-Requested-With" = "Export-QualysHosts"; Authorization = "Bearer eyJhbGciOiJIUzI1NiJ9.ZmFrZS10b2tlbi1mb3ItZXhhbXBsZXM.c2lnbmF0dXJl" }
$nsx | ConvertTo-Json -Depth 6 | Set-Content -Path "C:\Reports\qualys-nsx.json"
