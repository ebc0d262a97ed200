package io.github.idempotency.core;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * SHA-256 over length-prefixed parts, so that {@code ("ab", "c")} and {@code ("a", "bc")} never collide.
 * <p>
 * Every request hashes its storage key and its fingerprint, so the digest and a small buffer are not made per hash:
 * an instance takes an idle {@link Workspace} from a few shared slots and puts it back once its result is read. The
 * slots are picked by thread, not held by it, so that a request on a virtual thread leaves nothing behind. An
 * instance is used once: after {@link #hex()} it holds nothing and cannot be added to.
 */
final class Sha256 {

	/** A power of two, four or more per processor, so that threads seldom share one. */
	private static final int SLOTS = Integer
		.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors()) * 4 - 1) << 1;

	private static final AtomicReferenceArray<Workspace> IDLE = new AtomicReferenceArray<>(SLOTS);

	private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	private @Nullable Workspace workspace;

	Sha256() {
		Workspace idle = IDLE.getAndSet(slot(), null);
		this.workspace = (idle != null) ? idle : new Workspace();
	}

	private static int slot() {
		int hash = System.identityHashCode(Thread.currentThread());
		return (hash ^ (hash >>> 16)) & (SLOTS - 1);
	}

	Sha256 add(String part) {
		Workspace work = workspace();
		int length = part.length();
		if (length <= Workspace.SCRATCH) {
			// a part in ASCII (route, method, hex digest, most keys) is its own UTF-8: it goes into the buffer after
			// its length, and the digest gets both in one call
			byte[] scratch = work.scratch;
			for (int i = 0; i < length; i++) {
				char c = part.charAt(i);
				if (c >= 0x80) {
					return add(part.getBytes(StandardCharsets.UTF_8));
				}
				scratch[4 + i] = (byte) c;
			}
			writeLength(scratch, length);
			work.digest.update(scratch, 0, 4 + length);
			return this;
		}
		return add(part.getBytes(StandardCharsets.UTF_8));
	}

	Sha256 add(byte[] part) {
		return add(part, 0, part.length);
	}

	Sha256 add(byte[] part, int offset, int length) {
		Workspace work = workspace();
		writeLength(work.scratch, length);
		work.digest.update(work.scratch, 0, 4);
		work.digest.update(part, offset, length);
		return this;
	}

	private static void writeLength(byte[] scratch, int length) {
		scratch[0] = (byte) (length >>> 24);
		scratch[1] = (byte) (length >>> 16);
		scratch[2] = (byte) (length >>> 8);
		scratch[3] = (byte) length;
	}

	/**
	 * Whether every character of {@code value} from {@code start} on is a lower-case hex digit.
	 */
	static boolean isLowerHex(String value, int start) {
		for (int i = start; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
				return false;
			}
		}
		return true;
	}

	String hex() {
		return hex("");
	}

	/**
	 * Ends the hash and gives its workspace back.
	 * @param prefix ASCII text put before the 64 hex characters, in the same string
	 * @return the prefix and the hash as lower-case hex
	 */
	String hex(String prefix) {
		Workspace work = workspace();
		this.workspace = null;
		byte[] scratch = work.scratch;
		int start = prefix.length();
		// the 32 bytes of the hash go after the room of the text, which is written over them from the start
		int hash = start + 64;
		try {
			work.digest.digest(scratch, hash, 32);
		}
		catch (DigestException ex) {
			// 32 bytes is SHA-256's length; the buffer always has room for it
			throw new IllegalStateException(ex);
		}
		for (int i = 0; i < start; i++) {
			scratch[i] = (byte) prefix.charAt(i);
		}
		for (int i = 0; i < 32; i++) {
			int b = scratch[hash + i];
			scratch[start + 2 * i] = HEX[(b >>> 4) & 0x0F];
			scratch[start + 2 * i + 1] = HEX[b & 0x0F];
		}
		String result = new String(scratch, 0, hash, StandardCharsets.ISO_8859_1);
		// a thread that finds its slot taken leaves the workspace to the GC
		IDLE.compareAndSet(slot(), null, work);
		return result;
	}

	private Workspace workspace() {
		Workspace work = this.workspace;
		if (work == null) {
			throw new IllegalStateException("The hash was already computed");
		}
		return work;
	}

	/** A digest and a buffer, used by one hash at a time. */
	private static final class Workspace {

		/**
		 * Longest part encoded in the buffer, after its 4-byte length; the buffer also has room for a prefix, 64 hex
		 * characters and the 32-byte hash.
		 */
		static final int SCRATCH = 256;

		final MessageDigest digest;

		final byte[] scratch = new byte[SCRATCH + 96];

		Workspace() {
			try {
				this.digest = MessageDigest.getInstance("SHA-256");
			}
			catch (NoSuchAlgorithmException ex) {
				// every Java platform is required to provide SHA-256
				throw new IllegalStateException(ex);
			}
		}

	}

}
