package io.github.idempotency.sample.checkout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The checkout page as the test sees it: what a user clicks and what the page shows.
 */
final class CheckoutPage {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private final ChromeDriver driver;

	private CheckoutPage(ChromeDriver driver) {
		this.driver = driver;
	}

	/**
	 * Opens the checkout and waits until the user is signed in (the page then shows the PSP counter).
	 * @param driver the browser
	 * @param uri the page's address
	 * @return the open page
	 */
	static CheckoutPage open(ChromeDriver driver, URI uri) {
		driver.get(uri.toString());
		CheckoutPage page = new CheckoutPage(driver);
		page.waitUntil("the user is signed in and the PSP counter shows", () -> page.pspAttempts() >= 0);
		return page;
	}

	WebElement buyButton() {
		return this.driver.findElement(By.id("buy"));
	}

	/** Clicks Buy {@code times} times in a row, as fast as a mouse can. */
	void clickBuy(int times) {
		Actions actions = new Actions(this.driver).moveToElement(buyButton());
		for (int i = 0; i < times; i++) {
			actions.click();
		}
		actions.perform();
	}

	void doubleClickBuy() {
		new Actions(this.driver).doubleClick(buyButton()).perform();
	}

	/** Waits until the checkout has settled: no request in flight, the button enabled again. */
	void awaitSettled() {
		waitUntil("the checkout settles", () -> buyButton().isEnabled());
	}

	String idempotencyKey() {
		return this.driver.findElement(By.id("key")).getText();
	}

	/** The payment shown, or {@code null} when none is. */
	String shownPaymentId() {
		String id = this.driver.findElement(By.id("payment")).getDomAttribute("data-payment-id");
		return (id == null || id.isEmpty()) ? null : id;
	}

	boolean showsReplayBadge() {
		return !this.driver.findElements(By.id("replayed")).isEmpty();
	}

	String status() {
		return this.driver.findElement(By.id("status")).getText();
	}

	/** What the PSP counter on the page shows; -1 while unknown. */
	long pspAttempts() {
		String text = this.driver.findElement(By.id("psp-attempts")).getText();
		return text.matches("\\d+") ? Long.parseLong(text) : -1;
	}

	/** The requests the page sent, oldest first. */
	List<SentRequest> requests() {
		return this.driver.findElements(By.cssSelector("#log li"))
			.stream()
			.map((entry) -> new SentRequest(entry.getDomAttribute("data-outcome"),
					"true".equals(entry.getDomAttribute("data-replayed")), entry.getDomAttribute("data-payment-id"),
					entry.getText()))
			.toList();
	}

	/**
	 * Saves a screenshot next to the Failsafe reports.
	 * @param name the file's name without extension
	 * @return the file
	 */
	Path saveScreenshot(String name) {
		try {
			Path directory = Files.createDirectories(Path.of("target", "failsafe-reports", "screenshots"));
			Path file = directory.resolve(name + ".png");
			Files.copy(this.driver.getScreenshotAs(OutputType.FILE).toPath(), file,
					StandardCopyOption.REPLACE_EXISTING);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void waitUntil(String what, java.util.function.BooleanSupplier condition) {
		new WebDriverWait(this.driver, PATIENCE).withMessage(what)
			.until((driver) -> condition.getAsBoolean());
	}

	/**
	 * One request in the page's log.
	 *
	 * @param outcome {@code in-flight}, {@code network-failure} or the HTTP status
	 * @param replayed whether the answer carried {@code Idempotent-Replayed: true}
	 * @param paymentId the payment in the answer, or {@code null}
	 * @param text what the page shows
	 */
	record SentRequest(String outcome, boolean replayed, String paymentId, String text) {

	}

}
