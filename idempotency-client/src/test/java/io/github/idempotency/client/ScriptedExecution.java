package io.github.idempotency.client;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The rest of an interceptor chain that answers each attempt with the next scripted response or failure, and records
 * the idempotency key each attempt carried.
 */
final class ScriptedExecution implements ClientHttpRequestExecution {

	/**
	 * One scripted answer.
	 */
	@FunctionalInterface
	interface Step {

		ClientHttpResponse answer() throws IOException;

	}

	private final Deque<Step> steps = new ArrayDeque<>();

	private final List<String> keys = new ArrayList<>();

	private final List<byte[]> bodies = new ArrayList<>();

	ScriptedExecution then(Step step) {
		this.steps.add(step);
		return this;
	}

	@Override
	public ClientHttpResponse execute(HttpRequest request, byte[] body) throws IOException {
		this.keys.add(request.getHeaders().getFirst("Idempotency-Key"));
		this.bodies.add(body);
		Step step = this.steps.poll();
		if (step == null) {
			throw new AssertionError("no answer scripted for attempt " + this.keys.size());
		}
		return step.answer();
	}

	List<String> keys() {
		return this.keys;
	}

	List<byte[]> bodies() {
		return this.bodies;
	}

	int attempts() {
		return this.keys.size();
	}

}
