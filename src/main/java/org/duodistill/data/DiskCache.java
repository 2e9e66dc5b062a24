package org.duodistill.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decoded samples in one temporary file, for datasets that do not fit in memory: each epoch reads
 * them back (positional reads, safe from several threads) instead of decoding files again. The
 * file is deleted when the cache is no longer reachable, or at exit.
 */
public final class DiskCache {
	private static final Cleaner CLEANER = Cleaner.create();

	private final FileChannel channel;
	private final Path file;
	private long end;

	public DiskCache(Path directory) throws IOException {
		Files.createDirectories(directory);
		this.file = Files.createTempFile(directory, "duodistill-cache-", ".f32");
		file.toFile().deleteOnExit();
		this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
		FileChannel ch = channel;
		Path f = file;
		CLEANER.register(this, () -> {
			try {
				ch.close();
				Files.deleteIfExists(f);
			} catch (IOException ignored) {
				// best effort: deleteOnExit still applies
			}
		});
	}

	public Path file() {
		return file;
	}

	/** Appends the values and returns a handle that reads them back. */
	public synchronized CachedPixels store(float[] values) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
		b.asFloatBuffer().put(values);
		long offset = end;
		while (b.hasRemaining()) end += channel.write(b, end);
		int n = values.length;
		return new Stored(this, offset, n);
	}

	private float[] load(long offset, int n) {
		ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
		try {
			long pos = offset;
			while (b.hasRemaining()) {
				int r = channel.read(b, pos);
				if (r < 0) throw new IOException("disk cache " + file + " ended early");
				pos += r;
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		b.flip();
		float[] out = new float[n];
		b.asFloatBuffer().get(out);
		return out;
	}

	/** Holds the cache, so the file lives as long as any sample that needs it. */
	private record Stored(DiskCache cache, long offset, int length) implements CachedPixels {
		@Override
		public float[] get() {
			return cache.load(offset, length);
		}
	}
}
