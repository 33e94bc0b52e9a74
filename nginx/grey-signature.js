// Grey's signed-URL check, run by the edge on every request for a signed read, cached or
// not, so a cached object is never served on a forged or expired URL. It recomputes the
// HMAC-SHA256 the origin's URLSigner makes: "grey-url-v1\n", then the method, the path and
// every query parameter but `sig` (names and values, in the order sent), each written as
// "<byte length>:<text>\n"; keys come from GREY_SIGNING_KEYS ("id:base64url,..."), the
// same variable the origin reads.
const crypto = require('crypto');

let keyCache = null;

function keys() {
    if (keyCache === null) {
        keyCache = {};
        const pairs = (process.env.GREY_SIGNING_KEYS || '').split(',');
        for (let i = 0; i < pairs.length; i++) {
            const pair = pairs[i];
            const colon = pair.indexOf(':');
            if (colon > 0) keyCache[pair.slice(0, colon).trim()] = Buffer.from(pair.slice(colon + 1).trim(), 'base64url');
        }
    }
    return keyCache;
}

function parameters(query) {
    const pairs = [];
    const parts = query.split('&');
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (part.length === 0) continue;
        const equals = part.indexOf('=');
        const name = equals < 0 ? part : part.slice(0, equals);
        const value = equals < 0 ? '' : part.slice(equals + 1);
        pairs.push([decodeURIComponent(name), decodeURIComponent(value)]);
    }
    return pairs;
}

// "1" when the request's URL carries a valid, unexpired signature; "0" otherwise.
function verify(r) {
    try {
        const pairs = parameters(r.variables.args || '');
        const seen = {};
        let sig, kid, expires;
        for (let i = 0; i < pairs.length; i++) {
            const name = pairs[i][0], value = pairs[i][1];
            if (seen[name]) return '0';
            seen[name] = true;
            if (name === 'sig') sig = value;
            if (name === 'kid') kid = value;
            if (name === 'expires') expires = value;
        }
        if (!sig || !kid || !/^[0-9]{1,12}$/.test(expires || '')) return '0';
        const key = keys()[kid];
        if (!key) return '0';
        // HEAD is authorised by the URL signed for GET, as at the origin.
        const parts = ['GET', r.uri];
        for (let i = 0; i < pairs.length; i++) {
            if (pairs[i][0] !== 'sig') parts.push(pairs[i][0], pairs[i][1]);
        }
        let text = 'grey-url-v1\n';
        for (let i = 0; i < parts.length; i++) text += Buffer.byteLength(parts[i]) + ':' + parts[i] + '\n';
        const expected = crypto.createHmac('sha256', key).update(text).digest();
        const given = Buffer.from(sig, 'base64url');
        if (given.length !== expected.length) return '0';
        let difference = 0;
        for (let i = 0; i < expected.length; i++) difference |= expected[i] ^ given[i];
        if (difference !== 0) return '0';
        return Number(expires) > Date.now() / 1000 ? '1' : '0';
    } catch (e) {
        return '0';
    }
}

export default { verify };
