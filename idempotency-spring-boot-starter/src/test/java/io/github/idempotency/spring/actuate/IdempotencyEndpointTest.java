package io.github.idempotency.spring.actuate;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.actuate.autoconfigure.IdempotencyEndpointAutoConfiguration;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint's operations on plain bean methods and the in-memory store, called as the actuator calls them.
 */
class IdempotencyEndpointTest {

	private static final String SHIPMENTS = "shipments";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(IdempotencyAutoConfiguration.class, IdempotencyEndpointAutoConfiguration.class))
		.withUserConfiguration(ServiceConfiguration.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("idempotency.store=memory", "management.endpoints.web.exposure.include=idempotency",
				"idempotency.endpoints.shipments.ttl=2h");

	@Test
	void reportListsEveryEndpointWithItsSettingsAndTheStore() {
		this.runner.run((context) -> {
			IdempotencyReport report = (IdempotencyReport) endpoint(context).report(null, null, null, null).getBody();
			assertThat(report.store().name()).isEqualTo("memory");
			assertThat(report.endpoints()).extracting(IdempotencyReport.Endpoint::name)
				.containsExactly("ShippingService#cancel", SHIPMENTS);
			IdempotencyReport.Endpoint shipments = report.endpoints().get(1);
			assertThat(shipments.operations()).containsExactly(ShippingService.class.getName() + "#ship");
			assertThat(shipments).extracting("store", "ttl", "lease", "onConflict", "keySource", "keyRequired", "scope")
				.containsExactly("memory", "PT2H", "PT30S", "reject", "expression", true, "principal");
			assertThat(report.endpoints().get(0).scope()).isEqualTo("custom");
			assertThat(report.executions()).isEmpty();
		});
	}

	@Test
	void runningExecutionIsShownAndDeletingItsVersionUnblocksTheKeyAndFencesItsCompletion() {
		this.runner.run((context) -> {
			ShippingService service = context.getBean(ShippingService.class);
			IdempotencyEndpoint endpoint = endpoint(context);
			CompletableFuture<String> stuck = CompletableFuture.supplyAsync(() -> service.ship("order-1"));
			assertThat(service.started().await(10, TimeUnit.SECONDS)).isTrue();
			IdempotencyReport.Execution execution = awaitExecution(endpoint);
			assertThat(execution.endpoint()).isEqualTo(SHIPMENTS);
			assertThat(execution.renewals()).isZero();

			RecordView ongoing = (RecordView) endpoint.report(SHIPMENTS, "order-1", null, null).getBody();
			assertThat(ongoing.id()).isEqualTo(execution.id());
			assertThat(ongoing.state()).isEqualTo("ONGOING");
			assertThat(ongoing.status()).isNull();
			WebEndpointResponse<Object> deleted = endpoint.deleteByKey(SHIPMENTS, "order-1", null, null,
					ongoing.version(), null);
			assertThat(deleted.getStatus()).isEqualTo(200);
			assertThat(deleted.getBody()).isEqualTo(Map.of("id", execution.id(), "outcome", "deleted"));

			service.release().countDown();
			assertThat(stuck.get(10, TimeUnit.SECONDS)).isEqualTo("shipped order-1 #1");
			// the stuck execution's completion was fenced: the key runs again
			assertThat(service.ship("order-1")).isEqualTo("shipped order-1 #2");
			assertThat(service.ship("order-1")).isEqualTo("shipped order-1 #2");
			assertThat(counted(context, SHIPMENTS, "deleted")).isEqualTo(1);
		});
	}

	@Test
	void deleteOfAVersionNoLongerInForceIsRefusedAndKeepsTheRecord() {
		this.runner.run((context) -> {
			ShippingService service = context.getBean(ShippingService.class);
			service.release().countDown();
			IdempotencyEndpoint endpoint = endpoint(context);
			service.ship("order-2");
			RecordView finished = (RecordView) endpoint.report(SHIPMENTS, "order-2", null, null).getBody();
			assertThat(finished.state()).isEqualTo("FINISHED_OK");
			assertThat(finished.status()).isEqualTo(200);

			WebEndpointResponse<Object> wrongVersion = endpoint.deleteById(finished.id(), "0000000000000000", null);
			assertThat(wrongVersion.getStatus()).isEqualTo(409);
			assertThat(problem(wrongVersion)).containsEntry("type", OperatorProblem.BASE + "record-changed")
				.containsEntry("state", "FINISHED_OK")
				.containsEntry("version", finished.version());
			assertThat(wrongVersion.getContentType()).isEqualTo(OperatorProblem.MEDIA_TYPE);
			assertThat(service.ship("order-2")).isEqualTo("shipped order-2 #1");

			assertThat(endpoint.deleteById(finished.id(), finished.version(), null).getStatus()).isEqualTo(200);
			WebEndpointResponse<Object> again = endpoint.deleteById(finished.id(), finished.version(), null);
			assertThat(again.getStatus()).isEqualTo(404);
			assertThat(problem(again)).containsEntry("type", OperatorProblem.BASE + "record-absent");
			assertThat(counted(context, "unknown", "changed")).isEqualTo(1);
			assertThat(counted(context, "unknown", "deleted")).isEqualTo(1);
			assertThat(counted(context, "unknown", "absent")).isEqualTo(1);
		});
	}

	@Test
	void forcedDeleteNeedsNoVersion() {
		this.runner.run((context) -> {
			ShippingService service = context.getBean(ShippingService.class);
			service.release().countDown();
			service.ship("order-3");
			IdempotencyEndpoint endpoint = endpoint(context);
			String id = ((RecordView) endpoint.report(SHIPMENTS, "order-3", null, null).getBody()).id();
			WebEndpointResponse<Object> forced = endpoint.deleteByKey(SHIPMENTS, "order-3", null, null, null, true);
			assertThat(forced.getStatus()).isEqualTo(200);
			assertThat(forced.getBody()).isEqualTo(Map.of("id", id, "outcome", "forced"));
			assertThat(endpoint.record(id).getStatus()).isEqualTo(404);
			assertThat(counted(context, SHIPMENTS, "forced")).isEqualTo(1);
		});
	}

	@Test
	void unreadableRecordIsRefusedUntilAForcedDelete() {
		this.runner.withBean(UnreadableRecordStore.class, UnreadableRecordStore::new).run((context) -> {
			IdempotencyEndpoint endpoint = endpoint(context);
			String id = UnreadableRecordStore.UNREADABLE.value();
			WebEndpointResponse<Object> read = endpoint.record(id);
			assertThat(read.getStatus()).isEqualTo(409);
			assertThat(problem(read)).containsEntry("type", OperatorProblem.BASE + "record-unreadable");
			WebEndpointResponse<Object> fenced = endpoint.deleteById(id, "0000000000000000", null);
			assertThat(fenced.getStatus()).isEqualTo(409);
			assertThat(problem(fenced)).containsEntry("type", OperatorProblem.BASE + "record-unreadable");
			assertThat(endpoint.deleteById(id, null, true).getStatus()).isEqualTo(200);
			assertThat(endpoint.record(id).getStatus()).isEqualTo(404);
			assertThat(counted(context, "unknown", "unreadable")).isEqualTo(1);
			assertThat(counted(context, "unknown", "forced")).isEqualTo(1);
		});
	}

	@Test
	void requestsThatCannotBeActedOnAreBadRequestProblems() {
		this.runner.run((context) -> {
			IdempotencyEndpoint endpoint = endpoint(context);
			assertBadRequest(endpoint.deleteById("not-a-hash", null, true), "hashed key");
			assertBadRequest(endpoint.deleteById("a".repeat(64), null, null), "version");
			assertBadRequest(endpoint.deleteById("a".repeat(64), "0000000000000000", true), "version");
			assertBadRequest(endpoint.deleteByKey("nope", "k", null, null, null, true), "No @Idempotent endpoint");
			assertBadRequest(endpoint.deleteByKey("ShippingService#cancel", "k", null, null, null, true),
					"custom scope");
			assertBadRequest(endpoint.deleteByKey(SHIPMENTS, "", null, null, null, true), "empty");
			assertBadRequest(endpoint.deleteByKey(SHIPMENTS, "k", null, "POST /elsewhere", null, true),
					"no operation");
			assertBadRequest(endpoint.report(SHIPMENTS, null, null, null), "'endpoint' and 'key'");
		});
	}

	private static void assertBadRequest(WebEndpointResponse<Object> response, String detail) {
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.getContentType()).isEqualTo(OperatorProblem.MEDIA_TYPE);
		assertThat(problem(response)).containsEntry("type", OperatorProblem.BASE + "operator-request-invalid")
			.containsEntry("status", 400);
		assertThat((String) problem(response).get("detail")).contains(detail);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> problem(WebEndpointResponse<Object> response) {
		return (Map<String, Object>) response.getBody();
	}

	private static IdempotencyEndpoint endpoint(AssertableApplicationContext context) {
		return context.getBean(IdempotencyEndpoint.class);
	}

	private static double counted(AssertableApplicationContext context, String endpoint, String outcome) {
		var counter = context.getBean(MeterRegistry.class)
			.find("idempotency.operator.deletions")
			.tags("endpoint", endpoint, "outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static IdempotencyReport.Execution awaitExecution(IdempotencyEndpoint endpoint) {
		// the execution is registered before the method runs, and the method signalled that it started
		IdempotencyReport report = (IdempotencyReport) endpoint.report(null, null, null, null).getBody();
		assertThat(report.executions()).hasSize(1);
		return report.executions().get(0);
	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConfiguration {

		@Bean
		ShippingService shippingService() {
			return new ShippingService();
		}

		@Bean
		io.github.idempotency.spring.IdempotencyScopeResolver tenantScope() {
			return (method, arguments) -> "tenant-1";
		}

	}

	public static class ShippingService {

		// read through accessors: the test holds the bean's proxy, whose own fields are never set
		private final CountDownLatch started = new CountDownLatch(1);

		private final CountDownLatch release = new CountDownLatch(1);

		private final AtomicInteger runs = new AtomicInteger();

		@Idempotent(name = SHIPMENTS, key = "#orderId")
		public String ship(String orderId) {
			this.started.countDown();
			try {
				if (!this.release.await(10, TimeUnit.SECONDS)) {
					throw new IllegalStateException("never released");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			return "shipped " + orderId + " #" + this.runs.incrementAndGet();
		}

		public CountDownLatch started() {
			return this.started;
		}

		public CountDownLatch release() {
			return this.release;
		}

		@Idempotent(key = "#orderId", scope = Idempotent.Scope.CUSTOM)
		public String cancel(String orderId) {
			return "cancelled " + orderId;
		}

	}

}
