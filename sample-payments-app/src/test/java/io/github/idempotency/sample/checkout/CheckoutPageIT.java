package io.github.idempotency.sample.checkout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.github.idempotency.sample.SamplePaymentsApplication;
import io.github.idempotency.sample.checkout.CheckoutPage.SentRequest;
import io.github.idempotency.sample.checkout.ResponseFaultProxy.DroppedResponse;
import io.github.idempotency.sample.checkout.ResponseFaultProxy.HeldResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The "user clicks Buy several times" scenario in a real browser: the checkout page of the sample app in headless
 * Chromium, signed in through the browser's credential prompt, talking to the app through a proxy that can hold a
 * response (so that clicks land while the payment is in flight) or drop it after the server charged the card.
 * Whatever the user does, the PSP is called once and the page shows one payment. Screenshots go to
 * {@code target/failsafe-reports/screenshots}.
 * <p>
 * Needs Chromium and ChromeDriver on the {@code PATH} (Debian: {@code apt-get install chromium chromium-driver});
 * without them the tests are skipped and say why.
 */
class CheckoutPageIT {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static Chromium chromium;

	private static ConfigurableApplicationContext app;

	private static URI appUri;

	private static ResponseFaultProxy proxy;

	private Chromium.Session browser;

	@BeforeAll
	static void startAppAndProxy() {
		chromium = Chromium.installed().orElse(null);
		assumeTrue(chromium != null, "No Chromium and ChromeDriver on the PATH: the checkout page is not tested in a "
				+ "browser. Install them with 'apt-get install chromium chromium-driver'.");
		app = new SpringApplicationBuilder(SamplePaymentsApplication.class).run("--server.port=0");
		appUri = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"));
		proxy = ResponseFaultProxy.start(appUri);
	}

	@AfterAll
	static void stopAppAndProxy() {
		if (proxy != null) {
			proxy.close();
		}
		if (app != null) {
			app.close();
		}
	}

	@BeforeEach
	void startBrowser() {
		this.browser = chromium.start("alice", "alice-secret");
	}

	@AfterEach
	void stopBrowser() {
		if (this.browser != null) {
			this.browser.close();
		}
	}

	@Test
	void doubleClickWhilePayingSendsOneRequestAndChargesOnce() {
		CheckoutPage page = openCheckout();
		long attemptsBefore = pspAttempts();

		HeldResponse inFlight = proxy.holdNextPayment();
		page.doubleClickBuy();
		inFlight.awaitServerAnswer();
		assertThat(page.buyButton().isEnabled()).as("Buy while the payment is in flight").isFalse();
		assertThat(page.requests()).extracting(SentRequest::outcome).containsExactly("in-flight");
		inFlight.release();
		page.awaitSettled();

		page.saveScreenshot("checkout-double-click");
		assertThat(page.requests()).singleElement().satisfies((request) -> {
			assertThat(request.outcome()).isEqualTo("201");
			assertThat(request.replayed()).isFalse();
			assertThat(request.paymentId()).isEqualTo(page.shownPaymentId());
		});
		assertOnePaymentShownAndOneCharge(page, attemptsBefore);
	}

	@Test
	void tripleClickWhilePayingThenAnotherClickReplaysTheSamePayment() {
		CheckoutPage page = openCheckout();
		long attemptsBefore = pspAttempts();

		HeldResponse inFlight = proxy.holdNextPayment();
		page.clickBuy(3);
		inFlight.awaitServerAnswer();
		assertThat(page.buyButton().isEnabled()).as("Buy while the payment is in flight").isFalse();
		assertThat(page.requests()).hasSize(1);
		inFlight.release();
		page.awaitSettled();
		page.clickBuy(1);
		page.awaitSettled();

		page.saveScreenshot("checkout-triple-click");
		List<SentRequest> requests = page.requests();
		assertThat(requests).extracting(SentRequest::outcome).containsExactly("201", "201");
		assertThat(requests).extracting(SentRequest::replayed).containsExactly(false, true);
		assertThat(requests).extracting(SentRequest::paymentId).containsOnly(page.shownPaymentId());
		assertThat(page.showsReplayBadge()).isTrue();
		assertThat(page.status()).contains("nothing was charged again");
		assertOnePaymentShownAndOneCharge(page, attemptsBefore);
	}

	@Test
	void connectionLostAfterTheChargeIsRetriedWithTheSameKeyAndReplayed() {
		CheckoutPage page = openCheckout();
		long attemptsBefore = pspAttempts();

		DroppedResponse lost = proxy.dropNextPaymentAfterHeaders();
		page.clickBuy(1);
		page.awaitSettled();

		page.saveScreenshot("checkout-network-failure");
		assertThat(lost.happened()).isTrue();
		List<SentRequest> requests = page.requests();
		assertThat(requests).extracting(SentRequest::outcome).containsExactly("network-failure", "201");
		assertThat(requests.get(1).replayed()).isTrue();
		assertThat(requests.get(1).paymentId()).isEqualTo(page.shownPaymentId());
		assertThat(page.showsReplayBadge()).isTrue();
		assertOnePaymentShownAndOneCharge(page, attemptsBefore);
	}

	private CheckoutPage openCheckout() {
		CheckoutPage page = CheckoutPage.open(this.browser.driver(), proxy.uri("/"));
		assertThat(this.browser.prompts()).as("credential prompts answered").hasPositiveValue();
		assertThat(page.idempotencyKey()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
		assertThat(page.shownPaymentId()).isNull();
		return page;
	}

	private void assertOnePaymentShownAndOneCharge(CheckoutPage page, long attemptsBefore) {
		String paymentId = page.shownPaymentId();
		assertThat(paymentId).isNotNull();
		assertThat(pspAttempts()).as("PSP attempts").isEqualTo(attemptsBefore + 1);
		assertThat(page.pspAttempts()).as("PSP attempts shown").isEqualTo(attemptsBefore + 1);
		assertThat(alicesPayments()).contains(paymentId);
	}

	private static long pspAttempts() {
		return Long.parseLong(getAsAlice("/psp/attempts").replaceAll("[^0-9]", ""));
	}

	private static String alicesPayments() {
		return getAsAlice("/payments");
	}

	private static String getAsAlice(String path) {
		String credentials = Base64.getEncoder().encodeToString("alice:alice-secret".getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(appUri.resolve(path))
			.header("Authorization", "Basic " + credentials)
			.build();
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
			return response.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
