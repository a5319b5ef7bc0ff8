// A webhook receiver written the way JavaScript receivers are: parse the body, re-serialise it with JSON.stringify,
// check the HMAC over "<timestamp>.<body>" and reject timestamps over 2 minutes old. 204 when valid, 401 otherwise.
const http = require('http');
const crypto = require('crypto');
const key = process.env.MEET_API_KEY;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    const timestamp = req.headers['x-timestamp'] || '';
    const signature = Buffer.from(req.headers['x-signature'] || '');
    const expected = Buffer.from(crypto.createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex'));
    const fresh = Math.abs(Date.now() - Number(timestamp)) <= 120000;
    const valid = fresh && signature.length === expected.length && crypto.timingSafeEqual(signature, expected);
    res.writeHead(valid ? 204 : 401);
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
