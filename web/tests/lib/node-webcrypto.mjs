// libsodium's ESM build takes its randomness from globalThis.crypto, which
// Node.js exposes only from version 19 on. Debian 12 ships Node.js 18:
// give it the same Web Crypto object. Import this before libsodium.
import { webcrypto } from 'node:crypto';

if (globalThis.crypto === undefined || typeof globalThis.crypto.getRandomValues !== 'function') {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
}
