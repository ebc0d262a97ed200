package io.github.idempotency.spring.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

/**
 * Computes the SHA-256 of the request body while the application reads it, and for a JSON body
 * ({@code application/json} or {@code application/*+json}) its {@link CanonicalJsonDigest} in the same pass (which
 * holds a JSON body's first bytes instead of hashing them, until its bytes' digest is asked for), so the body is read
 * once and its hash is ready when the interceptor fingerprints the request (after {@code @RequestBody} was resolved).
 * Whatever the handler has not read by then is read by {@link #bodyDigest()} and kept, up to
 * {@value #MAX_KEPT_REMAINDER} bytes, so that the handler still reads it afterwards; a larger unread remainder is
 * hashed but not kept, and reading it later fails with a message that says why.
 */
final class BodyDigestingRequest extends HttpServletRequestWrapper {

	static final int MAX_KEPT_REMAINDER = 1024 * 1024;

	private static final HexFormat HEX = HexFormat.of();

	private static final MessageDigest SHA_256 = newSha256();

	/** The bytes' digest of a body that is not JSON; {@code null} when {@link #canonical} takes the bytes. */
	private final @Nullable MessageDigest digest;

	/** The canonical digest of a JSON body, which hashes its bytes too; {@code null} for other bodies. */
	private @Nullable CanonicalJsonDigest canonical;

	private @Nullable DigestingInputStream stream;

	private @Nullable BufferedReader reader;

	private @Nullable String hex;

	private @Nullable String canonicalHex;

	private boolean finished;

	private boolean released;

	/**
	 * A request whose body is hashed as bytes only.
	 * @param request the request
	 */
	BodyDigestingRequest(HttpServletRequest request) {
		this(request, false);
	}

	/**
	 * @param request the request
	 * @param canonicalJson whether a JSON body gets its canonical digest too
	 */
	BodyDigestingRequest(HttpServletRequest request, boolean canonicalJson) {
		super(request);
		if (canonicalJson && isJson(request.getContentType())) {
			this.canonical = CanonicalJsonDigest.acquire();
			this.digest = null;
		}
		else {
			this.digest = cloneSha256();
		}
	}

	/**
	 * Whether a content type is JSON: {@code application/json} or a structured syntax suffix {@code +json}, with any
	 * parameters. Compared by hand: this runs on every request.
	 */
	static boolean isJson(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		int end = contentType.indexOf(';');
		end = (end < 0) ? contentType.length() : end;
		while (end > 0 && contentType.charAt(end - 1) == ' ') {
			end--;
		}
		if (!contentType.regionMatches(true, 0, "application/", 0, 12)) {
			return false;
		}
		return (end == 16 && contentType.regionMatches(true, 12, "json", 0, 4))
				|| (end > 17 && contentType.regionMatches(true, end - 5, "+json", 0, 5));
	}

	/**
	 * The SHA-256 of a whole stream, such as a multipart part that the container parsed from its own stream.
	 * @param content the stream, read to its end and left open
	 * @return the 32 bytes of the hash
	 * @throws IOException when the stream cannot be read
	 */
	static byte[] sha256(InputStream content) throws IOException {
		MessageDigest sha256 = newSha256();
		byte[] buffer = new byte[8192];
		for (int read = content.read(buffer); read != -1; read = content.read(buffer)) {
			sha256.update(buffer, 0, read);
		}
		return sha256.digest();
	}

	private static MessageDigest cloneSha256() {
		try {
			return (MessageDigest) SHA_256.clone();
		}
		catch (CloneNotSupportedException ex) {
			return newSha256();
		}
	}

	private static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to provide SHA-256
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public ServletInputStream getInputStream() throws IOException {
		if (this.stream == null) {
			this.stream = new DigestingInputStream(super.getInputStream(), this);
		}
		return this.stream;
	}

	@Override
	public BufferedReader getReader() throws IOException {
		if (this.reader == null) {
			String encoding = getCharacterEncoding();
			Charset charset = (encoding != null) ? Charset.forName(encoding) : StandardCharsets.ISO_8859_1;
			this.reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
		}
		return this.reader;
	}

	/**
	 * Reads the rest of the body (kept for the application) and returns the hash of the whole body's bytes.
	 * @return 64 hex characters
	 * @throws IOException when the body cannot be read
	 */
	String bodyDigest() throws IOException {
		finish();
		return bytesHex();
	}

	/**
	 * Reads the rest of the body and returns its digest as a fingerprint mode asks for it.
	 * @param mode canonical, bytes or none
	 * @return the digest; for {@link BodyFingerprint#CANONICAL}, the canonical digest of a JSON body (a body that is
	 * not JSON, or JSON that is not one document, falls back to its bytes' digest); empty for
	 * {@link BodyFingerprint#NONE}, which reads nothing
	 * @throws IOException when the body cannot be read
	 */
	String bodyDigest(BodyFingerprint mode) throws IOException {
		if (mode == BodyFingerprint.NONE) {
			return "";
		}
		finish();
		return (mode == BodyFingerprint.CANONICAL && this.canonicalHex != null) ? this.canonicalHex : bytesHex();
	}

	/**
	 * Gives the canonical digest's reusable state back to this thread, once the request has been answered; the
	 * digests cannot be asked for afterwards. Every request the filter wrapped does this, fingerprinted or not, so
	 * that the next one on this thread reuses it rather than build a new one.
	 */
	void release() {
		this.released = true;
		CanonicalJsonDigest json = this.canonical;
		if (json != null) {
			this.canonical = null;
			json.release();
		}
	}

	private void finish() throws IOException {
		if (this.finished) {
			return;
		}
		if (this.released) {
			throw new IllegalStateException("The request's body digest was asked for after the request ended");
		}
		((DigestingInputStream) getInputStream()).drain();
		this.finished = true;
		CanonicalJsonDigest json = this.canonical;
		if (json != null) {
			// the bytes' digest of a JSON body is the canonical digest's fallback, in its own domain; it is computed
			// only when asked for (bytesHex): a canonical fingerprint of a JSON document never needs it
			this.canonicalHex = json.hex();
		}
		else {
			this.hex = HEX.formatHex(this.digest.digest());
		}
	}

	private String bytesHex() {
		String result = this.hex;
		if (result == null) {
			result = this.canonical.bytesHex();
			this.hex = result;
		}
		return result;
	}

	/** Called by the stream with every byte read, by the application or by {@link #bodyDigest()}. */
	void update(byte[] bytes, int offset, int length) {
		if (this.released) {
			// read after the request was answered (an asynchronous handler's thread): nothing digests it any more
			return;
		}
		if (this.canonical != null) {
			this.canonical.update(bytes, offset, length);
		}
		else {
			this.digest.update(bytes, offset, length);
		}
	}

}
