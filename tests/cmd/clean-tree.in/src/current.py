u = '/api/3.0/fo/scan/'
