#!/bin/sh
# A rule without replacement-published: read as it always was.
curl -u "$QUSER:$QPASS" -H "X-Requested-With: curl" "https://qualysapi.qualys.com/api/2.0/fo/report/?action=list"
