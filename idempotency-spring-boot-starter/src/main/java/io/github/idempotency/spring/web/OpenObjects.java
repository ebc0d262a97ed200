package io.github.idempotency.spring.web;

import java.security.MessageDigest;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The objects open in a document being encoded, and where each of their members starts in the
 * {@link EncodedDocument}, so that their members are put in canonical order when they close: sorted by the encoded name
 * (the UTF-8 length first, then the bytes, unsigned), and an object with a name twice refused.
 * <p>
 * The members of an object are encoded in the order they arrive, one after the other, with the members of nested
 * objects already in canonical order inside them. When the object closes, its members are moved only if they arrived
 * out of order; the outermost object is not moved at all: its members are hashed from where they are, in order, and
 * the document's bytes so far are let go.
 */
final class OpenObjects {

	private int[] objectStarts = new int[8];

	private int[] firstMembers = new int[8];

	private int depth;

	private int[] memberStarts = new int[32];

	private int[] nameLengths = new int[32];

	private int members;

	private final MemberSort sort = new MemberSort(this);

	private byte[] spare = new byte[256];

	/** The document's bytes while an object closes, for {@link #compare}. */
	private byte[] document = new byte[0];

	void reset() {
		this.depth = 0;
		this.members = 0;
	}

	boolean isEmpty() {
		return this.depth == 0;
	}

	/** Whether this instance holds little enough memory to be kept for the next document. */
	boolean isSmall() {
		return this.spare.length <= 64 * 1024 && this.memberStarts.length <= 1024 && this.objectStarts.length <= 64;
	}

	void open(EncodedDocument out) {
		if (this.depth == this.objectStarts.length) {
			this.objectStarts = Arrays.copyOf(this.objectStarts, this.depth * 2);
			this.firstMembers = Arrays.copyOf(this.firstMembers, this.depth * 2);
		}
		this.objectStarts[this.depth] = out.size();
		this.firstMembers[this.depth++] = this.members;
		out.write(EncodedDocument.OBJECT_START);
	}

	/** Writes the name of the innermost open object's next member. */
	void member(String name, EncodedDocument out) {
		if (this.members == this.memberStarts.length) {
			this.memberStarts = Arrays.copyOf(this.memberStarts, this.members * 2);
			this.nameLengths = Arrays.copyOf(this.nameLengths, this.members * 2);
		}
		this.memberStarts[this.members] = out.size();
		this.nameLengths[this.members++] = out.writeString(name);
	}

	/**
	 * Closes the innermost open object: its members in canonical order, in the document or, for the outermost object,
	 * hashed with everything written before it.
	 * @return {@code false} when two of its members have the same name
	 */
	boolean close(EncodedDocument out, MessageDigest digest) {
		this.depth--;
		int first = this.firstMembers[this.depth];
		int count = this.members - first;
		int objectStart = this.objectStarts[this.depth];
		this.document = out.bytes();
		int @Nullable [] order = null;
		if (!inOrder(first, count)) {
			order = this.sort.sort(first, count);
			if (order == null) {
				return false;
			}
		}
		if (this.depth == 0) {
			hash(out, digest, objectStart, first, count, order);
		}
		else {
			if (order != null) {
				reorder(out, first, count, order);
			}
			out.write(EncodedDocument.OBJECT_END);
		}
		this.members = first;
		return true;
	}

	/**
	 * Compares two members by their encoded names: the length, then the bytes.
	 * @return zero when they have the same name
	 */
	int compare(int a, int b) {
		int length = this.nameLengths[a];
		if (length != this.nameLengths[b]) {
			return (length < this.nameLengths[b]) ? -1 : 1;
		}
		byte[] bytes = this.document;
		int nameA = this.memberStarts[a] + EncodedDocument.STRING_HEADER;
		int nameB = this.memberStarts[b] + EncodedDocument.STRING_HEADER;
		for (int i = 0; i < length; i++) {
			int difference = (bytes[nameA + i] & 0xFF) - (bytes[nameB + i] & 0xFF);
			if (difference != 0) {
				return difference;
			}
		}
		return 0;
	}

	/** Whether the members arrived in canonical order, each name after the one before: nothing to move or check. */
	private boolean inOrder(int first, int count) {
		for (int i = first + 1; i < first + count; i++) {
			if (compare(i - 1, i) >= 0) {
				return false;
			}
		}
		return true;
	}

	/** Hashes the document up to the object and the object's members in order, then lets those bytes go. */
	private void hash(EncodedDocument out, MessageDigest digest, int objectStart, int first, int count,
			int @Nullable [] order) {
		if (order == null) {
			out.hash(digest, 0, out.size());
		}
		else {
			out.hash(digest, 0, objectStart + 1);
			for (int i = 0; i < count; i++) {
				int member = first + order[i];
				out.hash(digest, this.memberStarts[member], end(member, out));
			}
		}
		digest.update(EncodedDocument.OBJECT_END);
		out.truncate(0);
	}

	/** Moves the members of the innermost object into order, through a spare buffer. */
	private void reorder(EncodedDocument out, int first, int count, int[] order) {
		int from = this.memberStarts[first];
		int length = out.size() - from;
		if (this.spare.length < length) {
			this.spare = new byte[Math.max(length, this.spare.length * 2)];
		}
		byte[] bytes = out.bytes();
		int at = 0;
		for (int i = 0; i < count; i++) {
			int member = first + order[i];
			int start = this.memberStarts[member];
			int memberLength = end(member, out) - start;
			System.arraycopy(bytes, start, this.spare, at, memberLength);
			at += memberLength;
		}
		System.arraycopy(this.spare, 0, bytes, from, length);
	}

	private int end(int member, EncodedDocument out) {
		return (member + 1 < this.members) ? this.memberStarts[member + 1] : out.size();
	}

}
