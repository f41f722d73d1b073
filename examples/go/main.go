// Command hostids resolves posture host IDs and lists schedules for the
// compliance dashboard. Hosts and credentials are fake.
package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
)

const (
	gateway   = "https://gateway.qg1.apps.qualys.com"
	platform  = "https://qualysapi.qualys.com"
	pcrsVer   = "1.0"
	scheduleV = 4
)

func get(url string, auth func(*http.Request)) []byte {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		log.Fatal(err)
	}
	auth(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return body
}

func main() {
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+os.Getenv("QUALYS_TOKEN")) }
	basic := func(r *http.Request) {
		r.SetBasicAuth(os.Getenv("QUALYS_USER"), os.Getenv("QUALYS_PASSWORD"))
		r.Header.Set("X-Requested-With", "hostids")
	}

	hostIDs := get(fmt.Sprintf("%s/pcrs/%s/posture/hostids?policyId=%d", gateway, pcrsVer, 6367495), bearer)
	fmt.Println(string(hostIDs))

	schedules := get(fmt.Sprintf("%s/api/%d.0/fo/schedule/scan/?action=list", platform, scheduleV), basic)
	fmt.Println(string(schedules))

	// Current version, nothing to change here.
	hosts := get(platform+"/api/5.0/fo/asset/host/?action=list&truncation_limit=10", basic)
	fmt.Println(len(hosts))
}
