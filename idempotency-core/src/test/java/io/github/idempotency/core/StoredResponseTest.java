package io.github.idempotency.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StoredResponseTest {

	@Test
	void bodyPassedInIsCopied() {
		byte[] body = { 1, 2, 3 };
		StoredResponse response = StoredResponse.of(201, Map.of(), body);
		body[0] = 9;
		assertThat(response.body()).containsExactly(1, 2, 3);
	}

	@Test
	void bodyHandedOutIsCopied() {
		StoredResponse response = StoredResponse.of(201, Map.of(), new byte[] { 1, 2, 3 });
		response.body()[0] = 9;
		assertThat(response.body()).containsExactly(1, 2, 3);
		assertThat(response.bodyLength()).isEqualTo(3);
	}

	@Test
	void headersPassedInAreCopied() {
		List<String> values = new ArrayList<>(List.of("a"));
		Map<String, List<String>> headers = new LinkedHashMap<>();
		headers.put("Link", values);
		StoredResponse response = StoredResponse.of(200, headers, new byte[0]);
		values.add("b");
		headers.put("ETag", List.of("\"1\""));
		assertThat(response.headers()).containsExactly(Map.entry("Link", List.of("a")));
	}

	@Test
	void headersHandedOutCannotBeModified() {
		StoredResponse response = StoredResponse.of(200, Map.of("Link", List.of("a")), new byte[0]);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> response.headers().put("X", List.of()));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> response.headers().get("Link").add("b"));
	}

	@Test
	void headerOrderAndMultipleValuesAreKept() {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		headers.put("Location", List.of("/payments/1"));
		headers.put("Link", List.of("<a>; rel=x", "<b>; rel=y"));
		headers.put("Content-Type", List.of("application/json"));
		StoredResponse response = StoredResponse.of(201, headers, new byte[0]);
		assertThat(response.headers().keySet()).containsExactly("Location", "Link", "Content-Type");
		assertThat(response.headers().get("Link")).containsExactly("<a>; rel=x", "<b>; rel=y");
	}

	@Test
	void aSingleOrNoHeaderIsKeptAsTheSameUnmodifiableHeaders() {
		Map<String, List<String>> one = new LinkedHashMap<>();
		one.put("Content-Type", new ArrayList<>(List.of("application/json")));
		StoredResponse single = StoredResponse.of(201, one, new byte[0]);
		one.get("Content-Type").add("text/plain");
		assertThat(single.headers()).isEqualTo(Map.of("Content-Type", List.of("application/json")));
		assertThat(single).isEqualTo(StoredResponse.of(201, Map.of("Content-Type", List.of("application/json")),
				new byte[0]));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> single.headers().put("X", List.of()));
		StoredResponse none = StoredResponse.of(204, new LinkedHashMap<>(), new byte[0]);
		assertThat(none.headers()).isEmpty();
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> none.headers().put("X", List.of()));
	}

	@Test
	void notRetainedHasEmptyBodyAndKeepsStatusAndHeaders() {
		StoredResponse response = StoredResponse.notRetained(201, Map.of("Location", List.of("/p/1")));
		assertThat(response.bodyRetained()).isFalse();
		assertThat(response.body()).isEmpty();
		assertThat(response.status()).isEqualTo(201);
		assertThat(response.headers()).containsEntry("Location", List.of("/p/1"));
	}

	@Test
	void notRetainedWithBodyIsRejected() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new StoredResponse(200, Map.of(), new byte[] { 1 }, false));
	}

	@Test
	void equalityComparesBodyBytes() {
		StoredResponse a = StoredResponse.of(200, Map.of("A", List.of("1")), new byte[] { 1, 2 });
		StoredResponse b = StoredResponse.of(200, Map.of("A", List.of("1")), new byte[] { 1, 2 });
		assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
		assertThat(a).isNotEqualTo(StoredResponse.of(200, Map.of("A", List.of("1")), new byte[] { 1, 3 }));
		assertThat(a).isNotEqualTo(StoredResponse.of(201, Map.of("A", List.of("1")), new byte[] { 1, 2 }));
	}

	@Test
	void toStringShowsNoBodyContent() {
		StoredResponse response = StoredResponse.of(200, Map.of(), "card 4242".getBytes());
		assertThat(response.toString()).doesNotContain("4242").contains("9 bytes");
	}

}
