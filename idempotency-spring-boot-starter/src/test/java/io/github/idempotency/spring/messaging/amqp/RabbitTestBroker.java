package io.github.idempotency.spring.messaging.amqp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Assumptions;

/**
 * The RabbitMQ the messaging tests use: {@code IDEMPOTENCY_TEST_RABBIT_HOST} (default {@code 127.0.0.1}), port 5672,
 * guest/guest. A test without a broker is skipped with the reason, never silently passed.
 */
final class RabbitTestBroker {

	static final String HOST_VARIABLE = "IDEMPOTENCY_TEST_RABBIT_HOST";

	private RabbitTestBroker() {
	}

	static String host() {
		String host = System.getenv(HOST_VARIABLE);
		return (host != null && !host.isBlank()) ? host : "127.0.0.1";
	}

	/** Skips the calling test class unless a RabbitMQ answers on the host's port 5672. */
	static void assumeAvailable() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host(), 5672), 2000);
		}
		catch (IOException ex) {
			Assumptions.abort("No RabbitMQ on " + host() + ":5672 (" + ex.getMessage() + "): start one with "
					+ "'rabbitmq-server -detached' (.ci/run does) or set " + HOST_VARIABLE);
		}
	}

}
