// JPEG helpers of the attachment test (attach.test.mjs): splice an APP1
// Exif segment (camera make, orientation, GPS position) into a JPEG made by
// the browser's canvas, as a phone camera would write it; read a JPEG's
// segments and size back.

// The camera make written in the Exif (must not survive the app).
export const MAKE = 'SECRETPHONE';
// GPS: 50°50'12.34" N, 4°21'56.78" E as Exif RATIONALs (big endian).
const LAT = [[50, 1], [50, 1], [1234, 100]];
const LON = [[4, 1], [21, 1], [5678, 100]];

function rationals(list) {
  const b = Buffer.alloc(8 * list.length);
  list.forEach(([n, d], i) => {
    b.writeUInt32BE(n, 8 * i);
    b.writeUInt32BE(d, 8 * i + 4);
  });
  return b;
}

/** The 48 bytes of GPS latitude and longitude as they sit in the Exif. */
export const GPS_BYTES = Buffer.concat([rationals(LAT), rationals(LON)]);

function entry(tag, type, count, value) {
  const e = Buffer.alloc(12);
  e.writeUInt16BE(tag, 0);
  e.writeUInt16BE(type, 2);
  e.writeUInt32BE(count, 4);
  if (Buffer.isBuffer(value)) value.copy(e, 8, 0, Math.min(4, value.length));
  else if (type === 3) e.writeUInt16BE(value, 8); // SHORT, left-justified
  else e.writeUInt32BE(value, 8);
  return e;
}

/** TIFF (big endian): IFD0 {Make, Orientation, GPSInfo} → GPS IFD {N, lat, E, lon}. */
function tiff(orientation) {
  const ifd0 = 8;
  const ifd0Size = 2 + 3 * 12 + 4;
  const gps = ifd0 + ifd0Size;
  const gpsSize = 2 + 4 * 12 + 4;
  const make = gps + gpsSize;
  const makeBytes = Buffer.from(`${MAKE}\0`, 'latin1');
  const lat = make + makeBytes.length;
  const lon = lat + 24;
  const head = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, ifd0]);
  const count = (n) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
  const zero = Buffer.alloc(4);
  return Buffer.concat([
    head,
    count(3),
    entry(0x010f, 2, makeBytes.length, make),
    entry(0x0112, 3, 1, orientation),
    entry(0x8825, 4, 1, gps),
    zero,
    count(4),
    entry(0x0001, 2, 2, Buffer.from('N\0')),
    entry(0x0002, 5, 3, lat),
    entry(0x0003, 2, 2, Buffer.from('E\0')),
    entry(0x0004, 5, 3, lon),
    zero,
    makeBytes,
    rationals(LAT),
    rationals(LON),
  ]);
}

/** jpeg with an APP1 Exif segment inserted right after SOI. */
export function withExif(jpeg, { orientation = 6 } = {}) {
  const src = Buffer.from(jpeg);
  if (src[0] !== 0xff || src[1] !== 0xd8) throw new Error('not a JPEG');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff(orientation)]);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([src.subarray(0, 2), seg, payload, src.subarray(2)]);
}

/** Markers of the segments before the image data, and the frame size. */
export function jpegInfo(buf) {
  const b = Buffer.from(buf);
  if (b[0] !== 0xff || b[1] !== 0xd8) return { jpeg: false };
  const markers = [];
  let width = 0;
  let height = 0;
  let p = 2;
  while (p + 4 <= b.length && b[p] === 0xff) {
    const m = b[p + 1];
    const len = b.readUInt16BE(p + 2);
    markers.push(m);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      height = b.readUInt16BE(p + 5);
      width = b.readUInt16BE(p + 7);
    }
    if (m === 0xda) break; // start of scan: image data follows
    p += 2 + len;
  }
  const end = b.length >= 2 && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;
  return { jpeg: true, markers, width, height, end };
}
