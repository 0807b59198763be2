// Photo metadata removed at the byte level, for browsers that do not let a
// page read a canvas back (Tor Browser and Firefox with fingerprinting
// resistance answer blank or altered pixels): there the canvas route of
// views/attach.js would send a white rectangle, so JPEG and PNG files are
// rewritten without their metadata instead, the image data copied as it is.
//
// JPEG: every APPn segment but a JFIF header (rewritten without its
// thumbnail) and Adobe's APP14 (colour transform, needed to decode), every
// comment, and anything after the end-of-image marker (phones append
// videos and maker data there) are dropped; the Exif orientation alone is
// written back in a minimal Exif segment, so that the photo stays upright.
// PNG: only the chunks needed to draw the image are kept.

const bad = () => {
  throw new Error('format');
};

export function imageFormat(b) {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length > 8 && png.every((x, i) => b[i] === x)) return 'png';
  return null;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const ascii = (b, o, s) => [...s].every((c, i) => b[o + i] === c.charCodeAt(0));

/** Orientation (1..8) from an APP1 Exif segment (marker included), or 1. */
export function exifOrientation(seg) {
  const t = seg.subarray(10); // FF E1 len(2) "Exif\0\0"
  if (t.length < 8) return 1;
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (o) => (le ? t[o] | (t[o + 1] << 8) : (t[o] << 8) | t[o + 1]);
  const u32 = (o) => (le ? u16(o) + u16(o + 2) * 65536 : u16(o) * 65536 + u16(o + 2));
  const ifd = u32(4);
  if (ifd + 2 > t.length) return 1;
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + 12 * i;
    if (e + 12 > t.length) return 1;
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

/** An APP1 segment holding only the orientation (big-endian TIFF). */
function orientationSegment(v) {
  const payload = [
    0x45, 0x78, 0x69, 0x66, 0, 0, // "Exif\0\0"
    0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, // MM, 42, IFD0 at 8
    0, 1, // one entry
    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, v, 0, 0, // Orientation, SHORT, 1, v
    0, 0, 0, 0, // no next IFD
  ];
  const len = payload.length + 2;
  return Uint8Array.from([0xff, 0xe1, len >> 8, len & 0xff, ...payload]);
}

/** A JFIF APP0 segment kept without its thumbnail; null for other APP0s. */
function jfifWithoutThumbnail(seg) {
  if (seg.length < 18 || !ascii(seg, 4, 'JFIF\0')) return null;
  const out = seg.slice(0, 18);
  out[2] = 0;
  out[3] = 16;
  out[16] = 0; // thumbnail width
  out[17] = 0; // thumbnail height
  return out;
}

export function stripJpeg(b) {
  if (imageFormat(b) !== 'jpeg') bad();
  const out = [b.subarray(0, 2)];
  let orientation = 1;
  let p = 2;
  while (p + 1 < b.length) {
    if (b[p] !== 0xff) bad();
    const m = b[p + 1];
    if (m === 0xff) { // fill byte
      p += 1;
      continue;
    }
    if (m === 0xd9) { // end of image: nothing after it is kept
      out.push(b.subarray(p, p + 2));
      if (orientation !== 1) out.splice(1, 0, orientationSegment(orientation));
      return concat(out);
    }
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01 || m === 0xd8) bad();
    if (p + 4 > b.length) bad();
    const len = (b[p + 2] << 8) | b[p + 3];
    if (len < 2 || p + 2 + len > b.length) bad();
    const seg = b.subarray(p, p + 2 + len);
    p += 2 + len;
    if (m === 0xe1 && ascii(seg, 4, 'Exif\0')) orientation = exifOrientation(seg);
    if (m === 0xe0) {
      const jfif = jfifWithoutThumbnail(seg);
      if (jfif) out.push(jfif);
    } else if (m === 0xee || !((m >= 0xe1 && m <= 0xef) || m === 0xfe)) out.push(seg);
    if (m === 0xda) { // start of scan: entropy-coded data up to the next marker
      let q = p;
      while (q + 1 < b.length && !(b[q] === 0xff && b[q + 1] !== 0 && !(b[q + 1] >= 0xd0 && b[q + 1] <= 0xd7))) q++;
      out.push(b.subarray(p, q));
      p = q;
    }
  }
  return bad(); // no end-of-image marker
}

const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'bKGD']);

export function stripPng(b) {
  if (imageFormat(b) !== 'png') bad();
  const out = [b.subarray(0, 8)];
  let p = 8;
  while (p + 12 <= b.length) {
    const len = ((b[p] << 24) >>> 0) + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3];
    if (p + 12 + len > b.length) bad();
    const type = String.fromCharCode(b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    if (PNG_KEEP.has(type)) out.push(b.subarray(p, p + 12 + len));
    p += 12 + len;
    if (type === 'IEND') return concat(out);
  }
  return bad(); // no IEND
}
