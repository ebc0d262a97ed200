package io.github.idempotency.faultsuite.harness;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * What a scenario that calls its app instances directly (not through a {@link Caller}) calls them with: one HTTP
 * client, and the {@code Authorization} header of the sample app's demo user {@code alice}.
 */
public final class AppHttp {

	/** An HTTP/1.1 client that gives up connecting after 10 s; one for all scenarios, as the JDK intends. */
	public static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	/** The {@code Authorization} header of the demo user {@code alice}. */
	public static final String ALICE = "Basic "
			+ Base64.getEncoder().encodeToString("alice:alice-secret".getBytes(StandardCharsets.UTF_8));

	private AppHttp() {
	}

}
