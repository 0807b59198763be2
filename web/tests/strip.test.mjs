// Byte-level photo cleaning (web/src/js/strip.js), used where the browser
// blocks reading a canvas back (Tor Browser): synthetic JPEG and PNG files
// full of metadata come out with only what draws the image. Node only:
//   node --test web/tests/strip.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageFormat, stripJpeg, stripPng, exifOrientation } from '../src/js/strip.js';
import { withExif, jpegInfo, GPS_BYTES, MAKE } from './lib/jpeg.mjs';

const seg = (marker, payload) => {
  const p = Buffer.from(payload);
  const h = Buffer.alloc(4);
  h.writeUInt16BE(0xff00 | marker, 0);
  h.writeUInt16BE(p.length + 2, 2);
  return Buffer.concat([h, p]);
};

// SOI, JFIF with a 2×1 thumbnail, ICC, comment, IPTC, Adobe, DQT, SOF0 64×48,
// DHT, SOS + entropy data (stuffed FF00, a restart marker), a second scan
// after a comment, EOI, then a trailer (as phones append videos).
function synthetic() {
  const jfif = Buffer.concat([Buffer.from('JFIF\0', 'latin1'), Buffer.from([1, 2, 1, 0, 72, 0, 72, 2, 1]),
    Buffer.from('THUMBS', 'latin1')]);
  const sof = Buffer.from([8, 0, 48, 0, 64, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  const sos = Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
  const scan1 = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x56, 0x78]);
  const scan2 = Buffer.from([0x9a, 0xff, 0x00, 0xbc]);
  const base = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, jfif),
    seg(0xe2, Buffer.from('ICC_PROFILE\0\x01\x01secret-profile', 'latin1')),
    seg(0xfe, Buffer.from('secret comment')),
    seg(0xed, Buffer.from('Photoshop 3.0\x008BIM secret caption', 'latin1')),
    seg(0xee, Buffer.from('Adobe\0\x64\0\0\0\0\x01', 'latin1')),
    seg(0xdb, Buffer.alloc(65, 7)),
    seg(0xc0, sof),
    seg(0xc4, Buffer.from([0, 1, 2, 3])),
    seg(0xda, sos), scan1,
    seg(0xfe, Buffer.from('secret between scans')),
    seg(0xda, sos), scan2,
    Buffer.from([0xff, 0xd9]),
    Buffer.from('MotionPhoto_Data secret video'),
  ]);
  return { jpeg: withExif(base, { orientation: 6 }), scan1, scan2, sof };
}

test('JPEG: Exif, GPS, ICC, comments, IPTC, thumbnail and trailer removed; image data and orientation kept', () => {
  const { jpeg, scan1, scan2, sof } = synthetic();
  assert.equal(imageFormat(jpeg), 'jpeg');
  assert.ok(jpeg.includes(GPS_BYTES));
  const out = Buffer.from(stripJpeg(new Uint8Array(jpeg)));
  for (const s of ['secret', MAKE, 'ICC_PROFILE', 'Photoshop', 'THUMBS', 'MotionPhoto']) {
    assert.ok(!out.includes(Buffer.from(s)), `${s} removed`);
  }
  assert.ok(!out.includes(GPS_BYTES), 'GPS removed');
  const info = jpegInfo(out);
  assert.ok(info.jpeg && info.end, 'a JPEG ending with EOI');
  assert.deepEqual([info.width, info.height], [64, 48]);
  assert.deepEqual(info.markers, [0xe1, 0xe0, 0xee, 0xdb, 0xc0, 0xc4, 0xda]);
  assert.equal(exifOrientation(out.subarray(2)), 6, 'the orientation alone is kept');
  assert.equal(out.readUInt16BE(4), 34, 'a minimal Exif segment');
  assert.ok(out.includes(Buffer.from('Adobe')), 'Adobe APP14 (colour transform) kept');
  assert.ok(out.includes(seg(0xc0, sof)) && out.includes(scan1) && out.includes(scan2), 'image data copied as is');
  const jfifAt = out.indexOf(Buffer.from('JFIF\0', 'latin1'));
  assert.equal(out.readUInt16BE(jfifAt - 2), 16, 'JFIF without its thumbnail');
  assert.deepEqual([out[jfifAt + 12], out[jfifAt + 13]], [0, 0]);
  assert.equal(out.subarray(-2).toString('hex'), 'ffd9', 'nothing after EOI');
});

test('JPEG: upright photos get no Exif at all; little-endian Exif is read; broken files are refused', () => {
  const { jpeg } = synthetic();
  const upright = withExif(Buffer.concat([Buffer.from([0xff, 0xd8]), seg(0xdb, [1, 2]), Buffer.from([0xff, 0xd9])]), { orientation: 1 });
  const out = Buffer.from(stripJpeg(new Uint8Array(upright)));
  assert.equal(out.toString('hex'), 'ffd8ffdb00040102ffd9');
  // Little-endian TIFF with the orientation as the second entry.
  const le = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from('Exif\0\0', 'latin1'),
    Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 2, 0]),
    Buffer.from([0x0f, 0x01, 2, 0, 1, 0, 0, 0, 0x41, 0, 0, 0]),
    Buffer.from([0x12, 0x01, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0]), Buffer.alloc(4)]);
  assert.equal(exifOrientation(le), 8);
  assert.throws(() => stripJpeg(new Uint8Array(jpeg.subarray(0, 200))), /format/, 'truncated');
  assert.throws(() => stripJpeg(new Uint8Array(Buffer.from('not a jpeg'))), /format/);
  assert.equal(imageFormat(new Uint8Array(Buffer.from('GIF89a......'))), null);
});

function chunk(type, data) {
  const d = Buffer.from(data);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(d.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, d, Buffer.from([1, 2, 3, 4])]); // the CRC is not checked here
}

test('PNG: text, Exif, time and profile chunks removed; the image chunks kept byte for byte', () => {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const keep = [chunk('IHDR', Buffer.alloc(13, 1)), chunk('sRGB', [0]), chunk('IDAT', Buffer.alloc(40, 9))];
  const png = Buffer.concat([sig, keep[0], chunk('tEXt', 'Author\0secret name'), chunk('eXIf', GPS_BYTES),
    keep[1], chunk('iCCP', 'secret profile\0\0x'), keep[2], chunk('tIME', Buffer.alloc(7)),
    chunk('iTXt', 'Location\0\0\0\0\0secret'), chunk('IEND', ''), Buffer.from('trailing secret')]);
  assert.equal(imageFormat(png), 'png');
  const out = Buffer.from(stripPng(new Uint8Array(png)));
  assert.equal(out.toString('hex'), Buffer.concat([sig, ...keep, chunk('IEND', '')]).toString('hex'));
  assert.throws(() => stripPng(new Uint8Array(png.subarray(0, 60))), /format/, 'no IEND');
});
