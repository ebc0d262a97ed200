package io.github.idempotency.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.core.execution.RetainedFailureException;
import io.github.idempotency.core.execution.Refusal;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.expression.EvaluationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code @Idempotent} on a plain bean method: the return value is stored as JSON and returned on replay.
 */
class NonWebIdempotentMethodTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
		.withUserConfiguration(ServiceConfiguration.class)
		.withPropertyValues("idempotency.store=memory");

	@Test
	void runsOnceAndReplaysTheDecodedReturnValue() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);
			Receipt first = service.charge(new ChargeRequest("m-1", 1250));
			Receipt replay = service.charge(new ChargeRequest("m-1", 1250));

			assertThat(replay).isEqualTo(first);
			assertThat(service.runs()).isEqualTo(1);
		});
	}

	@Test
	void replaysGenericReturnTypes() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);
			List<Receipt> first = service.batch("b-1");
			List<Receipt> replay = service.batch("b-1");

			assertThat(replay).isEqualTo(first).first().isInstanceOf(Receipt.class);
			assertThat(service.runs()).isEqualTo(1);
		});
	}

	@Test
	void exceptionReleasesTheKey() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);
			assertThatIllegalStateException().isThrownBy(() -> service.charge(new ChargeRequest("m-2", -1)));
			assertThatIllegalStateException().isThrownBy(() -> service.charge(new ChargeRequest("m-2", -1)));

			assertThat(service.runs()).isEqualTo(2);
		});
	}

	@Test
	void failureAfterTheEffectIsKeptWhenTheMethodAsksForIt() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);
			assertThatIllegalStateException().isThrownBy(() -> service.chargeThenCrash("m-9"));

			assertThatExceptionOfType(RetainedFailureException.class).isThrownBy(() -> service.chargeThenCrash("m-9"));
			assertThat(service.runs()).isEqualTo(1);
		});
	}

	@Test
	void returnValueThatCannotBeEncodedRunsOnce() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> service.unencodable("m-10"));

			assertThatExceptionOfType(RetainedFailureException.class).isThrownBy(() -> service.unencodable("m-10"))
				.withMessageContaining("could not be encoded");
			assertThat(service.runs()).isEqualTo(1);
		});
	}

	@Test
	void sameKeyWithOtherArgumentsIsAMismatch() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);
			service.charge(new ChargeRequest("m-3", 100));

			assertThatExceptionOfType(IdempotencyRejectedException.class)
				.isThrownBy(() -> service.charge(new ChargeRequest("m-3", 200)))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Refusal.KEY_MISMATCH));
		});
	}

	@Test
	void missingKeyIsRefused() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);

			assertThatExceptionOfType(IdempotencyRejectedException.class)
				.isThrownBy(() -> service.charge(new ChargeRequest(null, 100)))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Refusal.MISSING_KEY));
			assertThat(service.runs()).isZero();
		});
	}

	@Test
	void keyExpressionThatFailsIsAnInvalidKeyRefusal() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);

			assertThatExceptionOfType(IdempotencyRejectedException.class)
				.isThrownBy(() -> service.chargeByUpperCaseId(new ChargeRequest(null, 100)))
				.satisfies((ex) -> {
					assertThat(ex.reason()).isEqualTo(Refusal.INVALID_KEY);
					assertThat(ex).hasMessageContaining("key expression").hasCauseInstanceOf(EvaluationException.class);
				});
			assertThat(service.runs()).isZero();
		});
	}

	@Test
	void duplicateWhileTheFirstRunsIsRefusedAsInProgress() {
		this.runner.run((context) -> {
			ChargeService service = context.getBean(ChargeService.class);
			CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> service.slow("s-1"));
			assertThat(service.entered().await(10, TimeUnit.SECONDS)).isTrue();

			assertThatExceptionOfType(IdempotencyRejectedException.class).isThrownBy(() -> service.slow("s-1"))
				.satisfies((ex) -> {
					assertThat(ex.reason()).isEqualTo(Refusal.IN_PROGRESS);
					assertThat(ex.retryAfter()).isPresent();
				});
			service.release().countDown();
			assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done s-1");
			assertThat(service.slow("s-1")).isEqualTo("done s-1");
		});
	}

	@Test
	void durationsAcceptPlaceholdersAndBothFormatsAndEndpointPropertiesFillTheRest() {
		this.runner.withPropertyValues("charges.ttl=PT3H", "idempotency.endpoints.charges.lease=7s")
			.run((context) -> {
				IdempotentMethodRegistry registry = context.getBean(IdempotentMethodRegistry.class);
				IdempotentMethod charge = registry
					.find(ChargeService.class.getMethod("charge", ChargeRequest.class), ChargeService.class)
					.orElseThrow();
				IdempotentMethod batch = registry.find(ChargeService.class.getMethod("batch", String.class),
						ChargeService.class)
					.orElseThrow();

				assertThat(charge.endpoint()).isEqualTo("charges");
				assertThat(charge.policy().retention()).isEqualTo(Duration.ofHours(3));
				assertThat(charge.policy().lease()).isEqualTo(Duration.ofSeconds(7));
				assertThat(batch.policy().retention()).isEqualTo(Duration.ofHours(2));
				assertThat(batch.policy().lease()).isEqualTo(Duration.ofSeconds(30));
				assertThat(batch.endpoint()).isEqualTo("ChargeService#batch");
			});
	}

	@Test
	void maxExecutionTimeComesFromTheEndpointElseTheGlobalProperty() {
		this.runner.withPropertyValues("idempotency.max-execution-time=2m",
				"idempotency.endpoints.charges.max-execution-time=5m")
			.run((context) -> {
				IdempotentMethodRegistry registry = context.getBean(IdempotentMethodRegistry.class);
				IdempotentMethod charge = registry
					.find(ChargeService.class.getMethod("charge", ChargeRequest.class), ChargeService.class)
					.orElseThrow();
				IdempotentMethod batch = registry.find(ChargeService.class.getMethod("batch", String.class),
						ChargeService.class)
					.orElseThrow();

				assertThat(charge.policy().maxExecutionTime()).isEqualTo(Duration.ofMinutes(5));
				assertThat(batch.policy().maxExecutionTime()).isEqualTo(Duration.ofMinutes(2));
			});
	}

	@Test
	void maxExecutionTimeIsUnboundedByDefault() {
		this.runner.run((context) -> {
			IdempotentMethod batch = context.getBean(IdempotentMethodRegistry.class)
				.find(ChargeService.class.getMethod("batch", String.class), ChargeService.class)
				.orElseThrow();
			assertThat(batch.policy().maxExecutionTime()).isNull();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConfiguration {

		@Bean
		ChargeService chargeService() {
			return new ChargeService();
		}

	}

	public record ChargeRequest(String messageId, int amount) {
	}

	public record Receipt(String messageId, int amount, int run) {
	}

	/** Its getter throws while Jackson encodes it. */
	public static class Unencodable {

		public String getValue() {
			throw new IllegalStateException("cannot encode");
		}

	}

	public static class ChargeService {

		final AtomicInteger runs = new AtomicInteger();

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		public int runs() {
			return this.runs.get();
		}

		public CountDownLatch entered() {
			return this.entered;
		}

		public CountDownLatch release() {
			return this.release;
		}

		@Idempotent(name = "charges", key = "#request.messageId", ttl = "${charges.ttl:24h}")
		public Receipt charge(ChargeRequest request) {
			int run = this.runs.incrementAndGet();
			if (request.amount() < 0) {
				throw new IllegalStateException("negative");
			}
			return new Receipt(request.messageId(), request.amount(), run);
		}

		@Idempotent(key = "#request.messageId.toUpperCase()")
		public Receipt chargeByUpperCaseId(ChargeRequest request) {
			int run = this.runs.incrementAndGet();
			return new Receipt(request.messageId(), request.amount(), run);
		}

		@Idempotent(key = "#id")
		public Receipt chargeThenCrash(String id) {
			this.runs.incrementAndGet();
			IdempotencyContext.require().retainResult();
			throw new IllegalStateException("crashed after charging");
		}

		@Idempotent(key = "#id")
		public Unencodable unencodable(String id) {
			this.runs.incrementAndGet();
			return new Unencodable();
		}

		@Idempotent(key = "#batchId", ttl = "2h")
		public List<Receipt> batch(String batchId) {
			int run = this.runs.incrementAndGet();
			return List.of(new Receipt(batchId, 1, run), new Receipt(batchId, 2, run));
		}

		@Idempotent(key = "#id")
		public String slow(String id) {
			this.entered.countDown();
			try {
				this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return "done " + id;
		}

	}

}
