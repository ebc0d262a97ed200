package io.github.idempotency.spring.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.StoredResponse.NotRetained;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays of responses without a body: statuses that never carry one, and bodies that were not kept, whose problem
 * says why.
 */
class ReplayWithoutBodyTest {

	private final MockHttpServletResponse client = new MockHttpServletResponse();

	@Test
	void replayed204CarriesNoBodyEvenWhenItsBodyWasNotKept() throws Exception {
		replay(StoredResponse.notRetained(204, Map.of("ETag", List.of("\"7\"")), NotRetained.CRASH_WINDOW));

		assertThat(this.client.getStatus()).isEqualTo(204);
		assertThat(this.client.getContentAsByteArray()).isEmpty();
		assertThat(this.client.getContentType()).isNull();
		assertThat(this.client.getHeader("ETag")).isEqualTo("\"7\"");
		assertThat(this.client.getHeader(StoredResponse.NOT_RETAINED_REASON_HEADER)).isNull();
		assertThat(this.client.getHeader(IdempotentExchange.REPLAYED_HEADER)).isEqualTo("true");
	}

	@Test
	void replayed304CarriesNoBody() throws Exception {
		replay(StoredResponse.of(304, Map.of("Content-Type", List.of("application/json")),
				"{\"stale\":true}".getBytes(StandardCharsets.UTF_8)));

		assertThat(this.client.getStatus()).isEqualTo(304);
		assertThat(this.client.getContentAsByteArray()).isEmpty();
	}

	@Test
	void notRetainedDetailNamesItsCause() throws Exception {
		assertThat(detailOf(NotRetained.TOO_LARGE)).contains("too large to keep");
		assertThat(detailOf(NotRetained.CRASH_WINDOW)).contains("stopped after committing its effects");
		assertThat(detailOf(NotRetained.POLICY)).contains("by policy");
	}

	@Test
	void reasonIsNeverReplayedAsAHeader() throws Exception {
		replay(StoredResponse.notRetained(201, Map.of("Location", List.of("/payments/7")), NotRetained.TOO_LARGE));

		assertThat(this.client.getStatus()).isEqualTo(201);
		assertThat(this.client.getHeader("Location")).isEqualTo("/payments/7");
		assertThat(this.client.getHeaderNames()).doesNotContain(StoredResponse.NOT_RETAINED_REASON_HEADER);
		assertThat(this.client.getContentAsString()).contains(IdempotencyProblem.RESPONSE_NOT_RETAINED);
	}

	private String detailOf(NotRetained reason) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		replay(StoredResponse.notRetained(201, Map.of(), reason), response);
		return response.getContentAsString();
	}

	private void replay(StoredResponse stored) throws Exception {
		replay(stored, this.client);
	}

	private static void replay(StoredResponse stored, MockHttpServletResponse client) throws Exception {
		IdempotentExchange exchange = new IdempotentExchange(
				new BodyDigestingRequest(new MockHttpServletRequest("POST", "/payments")),
				new CapturingResponse(client, 1024), WebResponseSettings.of(List.of(), Set.of(), 1024));
		exchange.replay(stored);
		exchange.finish();
	}

}
