# A webhook receiver written the way Python receivers are: parse the body, re-serialise it with compact json.dumps,
# check the HMAC over "<timestamp>.<body>" and reject timestamps over 2 minutes old. 204 when valid, 401 otherwise.
import hashlib
import hmac
import json
import os
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

KEY = os.environ['MEET_API_KEY'].encode('utf-8')


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        raw = self.rfile.read(int(self.headers['Content-Length']))
        body = json.dumps(json.loads(raw.decode('utf-8')), separators=(',', ':'), ensure_ascii=False)
        timestamp = self.headers.get('X-Timestamp', '')
        expected = hmac.new(KEY, f'{timestamp}.{body}'.encode('utf-8'), hashlib.sha256).hexdigest()
        fresh = abs(time.time() * 1000 - int(timestamp or 0)) <= 120000
        valid = fresh and hmac.compare_digest(expected, self.headers.get('X-Signature', ''))
        self.send_response(204 if valid else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(('127.0.0.1', 0), Receiver)
print(server.server_address[1], flush=True)
server.serve_forever()
