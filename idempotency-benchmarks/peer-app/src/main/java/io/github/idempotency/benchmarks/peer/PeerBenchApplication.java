package io.github.idempotency.benchmarks.peer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The peer's bench app: the sample app's {@code bench} handler protected by arun0009/idempotent, started by the
 * driver of {@code scripts/bench-peer.sh} next to the sample app.
 */
@SpringBootApplication
public class PeerBenchApplication {

	public static void main(String[] args) {
		SpringApplication.run(PeerBenchApplication.class, args);
	}

}
