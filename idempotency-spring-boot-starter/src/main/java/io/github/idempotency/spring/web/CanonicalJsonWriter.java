package io.github.idempotency.spring.web;

import java.security.MessageDigest;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Writes the tokens of one JSON document, as a parser reads them, in canonical encoding ({@link EncodedDocument}) and
 * hashes the encoding as soon as its order is final. Tells whether what it was given is exactly one document.
 */
final class CanonicalJsonWriter {

	/** Outside any object, the encoding is hashed once it holds this much, so that a long array is not held. */
	private static final int FLUSH_THRESHOLD = 4096;

	private final EncodedDocument out = new EncodedDocument();

	private final OpenObjects objects = new OpenObjects();

	/** Open objects and arrays, to tell when a root value is complete. */
	private int nesting;

	private int rootValues;

	private boolean invalid;

	void reset() {
		this.out.truncate(0);
		this.objects.reset();
		this.nesting = 0;
		this.rootValues = 0;
		this.invalid = false;
	}

	/** Whether this instance holds little enough memory to be kept for the next document. */
	boolean isSmall() {
		return this.out.capacity() <= 64 * 1024 && this.objects.isSmall();
	}

	/** Whether the tokens so far cannot be the start of exactly one document. */
	boolean isInvalid() {
		return this.invalid;
	}

	/** Marks the body as no JSON document, such as when the parser failed. */
	void invalidate() {
		this.invalid = true;
	}

	/**
	 * Writes the tokens the parser has available.
	 * @param parser a non-blocking parser, fed with the next part of the body
	 * @param digest where the encoding is hashed
	 */
	void writeAvailable(JsonParser parser, MessageDigest digest) {
		JsonToken token;
		while (!this.invalid && (token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
			switch (token) {
				case START_OBJECT -> {
					this.nesting++;
					this.objects.open(this.out);
				}
				case END_OBJECT -> {
					this.nesting--;
					this.invalid = !this.objects.close(this.out, digest);
				}
				case START_ARRAY -> {
					this.nesting++;
					this.out.write(EncodedDocument.ARRAY_START);
				}
				case END_ARRAY -> {
					this.nesting--;
					this.out.write(EncodedDocument.ARRAY_END);
				}
				case PROPERTY_NAME -> this.objects.member(parser.currentName(), this.out);
				case VALUE_STRING -> this.out.writeString(parser.getStringCharacters(), parser.getStringOffset(),
						parser.getStringLength());
				case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> this.invalid = !CanonicalNumber
					.write(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength(), this.out);
				case VALUE_TRUE -> this.out.write(EncodedDocument.TRUE);
				case VALUE_FALSE -> this.out.write(EncodedDocument.FALSE);
				case VALUE_NULL -> this.out.write(EncodedDocument.NULL);
				default -> this.invalid = true;
			}
			if (this.nesting == 0 && token != JsonToken.PROPERTY_NAME) {
				// one more root value is complete; a body is one document, never several
				this.rootValues++;
				this.invalid |= this.rootValues > 1;
			}
			if (this.objects.isEmpty() && this.out.size() >= FLUSH_THRESHOLD) {
				flush(digest);
			}
		}
	}

	/**
	 * Ends the document, once the parser has read the whole body.
	 * @param digest where the rest of the encoding is hashed
	 * @return whether the body was exactly one JSON document, so that the digest holds its canonical form
	 */
	boolean finish(MessageDigest digest) {
		if (this.invalid || this.rootValues != 1 || this.nesting != 0) {
			return false;
		}
		flush(digest);
		return true;
	}

	private void flush(MessageDigest digest) {
		this.out.hash(digest, 0, this.out.size());
		this.out.truncate(0);
	}

}
