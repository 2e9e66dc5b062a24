package loci.formats;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test stand-in for Bio-Formats' {@code loci.formats.ImageReader}: it makes the class present on
 * the test classpath, so the dispatch to the Bio-Formats adapter can be tested. It claims only
 * files ending in {@code .fakebf} (a trivial container written by the tests: "FAKEBF", width,
 * height, pixel type, little-endian flag, RGB channel count, interleaved flag, plane count, raw
 * planes), so every other test keeps reading through the real readers.
 */
public class ImageReader {
	private int sizeX, sizeY, pixelType, rgb, count;
	private boolean little, interleaved;
	private byte[][] planes;
	private boolean closed = true;

	public boolean isThisType(String name, boolean open) {
		return name.endsWith(".fakebf");
	}

	public void setId(String id) throws IOException {
		try (DataInputStream in = new DataInputStream(Files.newInputStream(Path.of(id)))) {
			byte[] magic = in.readNBytes(6);
			if (!new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("FAKEBF")) throw new IOException("not a fakebf file");
			sizeX = in.readInt();
			sizeY = in.readInt();
			pixelType = in.readInt();
			little = in.readBoolean();
			rgb = in.readInt();
			interleaved = in.readBoolean();
			count = in.readInt();
			int bytesPer = new int[] {1, 1, 2, 2, 4, 4, 4, 8, 1}[pixelType];
			planes = new byte[count][];
			for (int i = 0; i < count; i++) planes[i] = in.readNBytes(sizeX * sizeY * rgb * bytesPer);
			closed = false;
		}
	}

	public String getFormat() {
		return "Fake";
	}

	public int getSeriesCount() {
		return 1;
	}

	public void setSeries(int s) {}

	public int getSizeX() {
		return sizeX;
	}

	public int getSizeY() {
		return sizeY;
	}

	public int getPixelType() {
		return pixelType;
	}

	public boolean isLittleEndian() {
		return little;
	}

	public int getRGBChannelCount() {
		return rgb;
	}

	public boolean isInterleaved() {
		return interleaved;
	}

	public int getImageCount() {
		return count;
	}

	public byte[] openBytes(int no) {
		if (closed) throw new IllegalStateException("closed");
		return planes[no].clone();
	}

	public byte[] openBytes(int no, int x, int y, int w, int h) {
		int bpp = planes[no].length / (sizeX * sizeY * rgb);
		byte[] out = new byte[w * h * rgb * bpp];
		for (int row = 0; row < h; row++) {
			System.arraycopy(planes[no], ((y + row) * sizeX + x) * rgb * bpp, out, row * w * rgb * bpp, w * rgb * bpp);
		}
		return out;
	}

	public void close() {
		closed = true;
	}
}
