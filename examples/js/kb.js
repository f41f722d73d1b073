// Fetch Knowledge Base QVS scores for the triage dashboard (Node 18+).
// Hosts and credentials are fake; set QUALYS_USER / QUALYS_PASSWORD.
const QUALYS_HOST = process.env.QUALYS_HOST || 'https://qualysapi.qualys.com';
const kbVersion = '3.0';

const auth = 'Basic ' + Buffer.from(`${process.env.QUALYS_USER}:${process.env.QUALYS_PASSWORD}`).toString('base64');

async function qvsScores(cves) {
  const res = await fetch(`${QUALYS_HOST}/api/${kbVersion}/fo/knowledge_base/qvs/?action=list&details=All&cve=${cves.join(',')}`, {
    headers: { Authorization: auth, 'X-Requested-With': 'kb.js' },
  });
  if (!res.ok) throw new Error(`QVS list failed: ${res.status}`);
  return res.text();
}

async function complianceControls() {
  const res = await fetch(QUALYS_HOST + '/api/2.0/fo/compliance/control/?action=list', {
    headers: { Authorization: auth, 'X-Requested-With': 'kb.js' },
  });
  return res.text();
}

module.exports = { qvsScores, complianceControls };
