package org.duodistill.data;

/**
 * RLE Lossless decoding (transfer syntax 1.2.840.10008.1.2.5), written from DICOM PS3.5 Annex G.
 * One compressed frame is a 64-byte RLE header, sixteen unsigned 32-bit little endian integers: the
 * number of RLE segments (at most 15), then the offset of each segment from the start of the header
 * (unused ones zero). Each segment is a PackBits byte stream (G.3.1) holding one byte of every pixel
 * for one sample: the segments run sample after sample (R, G, B for colour), and within a sample
 * from the most to the least significant byte (G.2). A segment ends where the next one starts, the
 * last one at the end of the frame.
 */
final class RleLossless {
	/** The RLE header: 16 unsigned 32-bit little endian integers. */
	static final int HEADER = 64;
	static final int MAX_SEGMENTS = 15;

	/** Malformed RLE data; the message names the problem. */
	static final class MalformedException extends Exception {
		private static final long serialVersionUID = 1L;

		MalformedException(String message) {
			super(message);
		}
	}

	private RleLossless() {
	}

	/**
	 * Decodes one frame of {@code pixels} pixels with {@code samples} samples of {@code bytes} bytes
	 * each, read from {@code in[off .. off+len)}, into {@code out} from {@code outOff} as native
	 * little endian samples, one sample plane after the other (as PlanarConfiguration 1): byte
	 * {@code k} (0 = least significant) of sample {@code c} of pixel {@code i} lands at
	 * {@code outOff + (c * pixels + i) * bytes + k}.
	 */
	static void decodeFrame(byte[] in, int off, int len, int pixels, int samples, int bytes, byte[] out, int outOff) throws MalformedException {
		int segments = samples * bytes;
		if (len < HEADER) throw new MalformedException("the frame holds " + len + " bytes, less than the " + HEADER + "-byte RLE header");
		long declared = DicomDataset.u32(in, off, true);
		if (declared != segments) {
			throw new MalformedException("the RLE header declares " + declared + (declared == 1 ? " segment" : " segments") + " but "
					+ samples + (samples == 1 ? " sample" : " samples") + " per pixel of " + 8 * bytes + " bits allocated need " + segments
					+ " (one per sample byte)" + (declared > MAX_SEGMENTS ? "; the header holds at most " + MAX_SEGMENTS : ""));
		}
		long[] start = new long[segments + 1];
		for (int s = 0; s < segments; s++) {
			long o = DicomDataset.u32(in, off + 4 + 4 * s, true);
			if (o < HEADER || o > len) {
				throw new MalformedException("RLE segment " + (s + 1) + " offset " + o + " is out of range (" + HEADER + " .. " + len
						+ ", the frame's RLE data being " + len + " bytes)");
			}
			if (s > 0 && o < start[s - 1]) {
				throw new MalformedException("RLE segment " + (s + 1) + " offset " + o + " is before segment " + s + "'s offset " + start[s - 1]);
			}
			start[s] = o;
		}
		start[segments] = len;
		for (int c = 0; c < samples; c++) {
			for (int k = 0; k < bytes; k++) {
				int s = c * bytes + k; // most significant byte first
				int significance = bytes - 1 - k;
				segment(in, off + (int) start[s], off + (int) start[s + 1], s + 1, segments, pixels, out, outOff + c * pixels * bytes + significance, bytes);
			}
		}
	}

	/**
	 * PackBits (PS3.5 G.3.1 / G.4): header byte n; 0..127: copy the next n+1 bytes; -127..-1: repeat
	 * the next byte 1-n times; -128: nothing. Decodes until {@code pixels} bytes are out (bytes left
	 * after that are padding), writing every {@code stride}-th byte of {@code out} from {@code to}.
	 */
	private static void segment(byte[] in, int from, int end, int number, int segments, int pixels, byte[] out, int to, int stride)
			throws MalformedException {
		int p = from;
		int j = 0;
		while (j < pixels) {
			if (p >= end) throw tooShort(number, segments, j, pixels, null);
			int n = in[p++];
			if (n >= 0) {
				int take = Math.min(n + 1, pixels - j);
				if (p + take > end) {
					// a 0 as the last byte is the pad to an even length, not a cut-off run
					throw tooShort(number, segments, j, pixels, n == 0 && p == end ? null
							: "a literal run of " + (n + 1) + " bytes at byte " + (p - 1 - from) + " is cut off at the segment's end (" + (end - from) + " bytes)");
				}
				for (int i = 0; i < take; i++, j++) out[to + j * stride] = in[p + i];
				p += n + 1;
			} else if (n != -128) {
				if (p >= end) {
					throw tooShort(number, segments, j, pixels, "a replicate run at byte " + (p - 1 - from) + " has no byte to repeat before the segment's end");
				}
				byte v = in[p++];
				int take = Math.min(1 - n, pixels - j);
				for (int i = 0; i < take; i++, j++) out[to + j * stride] = v;
			}
		}
	}

	private static MalformedException tooShort(int number, int segments, int got, int pixels, String why) {
		return new MalformedException("RLE segment " + number + " of " + segments + " decodes to " + got + " bytes, " + pixels
				+ " expected (one per pixel)" + (why == null ? "" : ": " + why));
	}
}
