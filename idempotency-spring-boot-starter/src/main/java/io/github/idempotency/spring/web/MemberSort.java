package io.github.idempotency.spring.web;

import org.jspecify.annotations.Nullable;

/**
 * Sorts the members of an object that arrived out of order, by {@link OpenObjects#compare}: an insertion sort for the
 * few members of a typical object, a merge sort (O(n log n)) for objects of any size. Reuses its arrays.
 */
final class MemberSort {

	/** Below this many members, an insertion sort does fewer comparisons than its bookkeeping would save. */
	private static final int INSERTION_SORT_MAX = 12;

	private final OpenObjects objects;

	private int[] order = new int[16];

	private int[] scratch = new int[16];

	private int first;

	MemberSort(OpenObjects objects) {
		this.objects = objects;
	}

	/**
	 * Sorts members {@code first} to {@code first + count - 1}.
	 * @return their canonical order, as offsets from {@code first} (valid until the next call), or {@code null} when
	 * two of them have the same name
	 */
	int @Nullable [] sort(int first, int count) {
		if (this.order.length < count) {
			this.order = new int[Math.max(count, this.order.length * 2)];
			this.scratch = new int[this.order.length];
		}
		for (int i = 0; i < count; i++) {
			this.order[i] = i;
		}
		this.first = first;
		mergeSort(0, count);
		for (int i = 1; i < count; i++) {
			if (compare(this.order[i - 1], this.order[i]) == 0) {
				return null;
			}
		}
		return this.order;
	}

	private void mergeSort(int from, int to) {
		if (to - from <= INSERTION_SORT_MAX) {
			insertionSort(from, to);
			return;
		}
		int middle = (from + to) >>> 1;
		mergeSort(from, middle);
		mergeSort(middle, to);
		if (compare(this.order[middle - 1], this.order[middle]) <= 0) {
			return;
		}
		System.arraycopy(this.order, from, this.scratch, from, to - from);
		int left = from;
		int right = middle;
		for (int i = from; i < to; i++) {
			if (right >= to || (left < middle && compare(this.scratch[left], this.scratch[right]) <= 0)) {
				this.order[i] = this.scratch[left++];
			}
			else {
				this.order[i] = this.scratch[right++];
			}
		}
	}

	private void insertionSort(int from, int to) {
		for (int i = from + 1; i < to; i++) {
			int member = this.order[i];
			int j = i - 1;
			while (j >= from && compare(this.order[j], member) > 0) {
				this.order[j + 1] = this.order[j];
				j--;
			}
			this.order[j + 1] = member;
		}
	}

	private int compare(int a, int b) {
		return this.objects.compare(this.first + a, this.first + b);
	}

}
