package io.github.idempotency.client;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ExponentialBackoffTest {

	private static ExponentialBackoff backoff(double random) {
		return new ExponentialBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), () -> random);
	}

	@Test
	void ceilingGrowsByTheMultiplierUpToTheMaximum() {
		ExponentialBackoff backoff = backoff(0.5);
		assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
		assertThat(backoff.ceiling(4)).isEqualTo(Duration.ofMillis(800));
		assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void fullJitterScalesTheCeilingByTheRandomFraction() {
		assertThat(backoff(0.0).delay(3)).isEqualTo(Duration.ZERO);
		assertThat(backoff(0.25).delay(3)).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff(0.999).delay(3)).isLessThan(Duration.ofMillis(400)).isGreaterThan(Duration.ofMillis(399));
	}

	@Test
	void randomSourceOutsideTheUnitIntervalIsRefused() {
		assertThatIllegalStateException().isThrownBy(() -> backoff(1.0).delay(1));
	}

	@Test
	void invalidSettingsNameTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExponentialBackoff(Duration.ZERO, 2.0, Duration.ofSeconds(1), () -> 0.0))
			.withMessageContaining("initial-delay");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExponentialBackoff(Duration.ofMillis(1), 0.5, Duration.ofSeconds(1), () -> 0.0))
			.withMessageContaining("multiplier");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1), () -> 0.0))
			.withMessageContaining("max-delay");
	}

}
