package io.github.idempotency.sample.checkout;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.bidi.module.Network;
import org.openqa.selenium.bidi.network.AddInterceptParameters;
import org.openqa.selenium.bidi.network.InterceptPhase;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's Chromium and its ChromeDriver (Debian's {@code chromium} and {@code chromium-driver}), found on the
 * {@code PATH}. Selenium is given both paths, so it never downloads a browser or a driver.
 *
 * @param browser the browser executable
 * @param driver the ChromeDriver executable
 */
record Chromium(Path browser, Path driver) {

	private static final List<String> BROWSER_NAMES = List.of("chromium", "chromium-browser", "google-chrome");

	/**
	 * Selenium warns on every start that it has no Chrome DevTools bindings for this browser's version. The tests
	 * use WebDriver BiDi, a versionless protocol, and no DevTools; the loggers are held here so that the level
	 * sticks.
	 */
	private static final List<Logger> QUIETENED = quieten("org.openqa.selenium.devtools.CdpVersionFinder",
			"org.openqa.selenium.chromium.ChromiumDriver");

	/**
	 * The installed browser and driver.
	 * @return both, or empty when either is missing
	 */
	static Optional<Chromium> installed() {
		Optional<Path> browser = BROWSER_NAMES.stream().map(Chromium::onPath).flatMap(Optional::stream).findFirst();
		Optional<Path> driver = onPath("chromedriver");
		return browser.flatMap((b) -> driver.map((d) -> new Chromium(b, d)));
	}

	private static List<Logger> quieten(String... names) {
		List<Logger> loggers = Stream.of(names).map(Logger::getLogger).toList();
		loggers.forEach((logger) -> logger.setLevel(Level.SEVERE));
		return loggers;
	}

	private static Optional<Path> onPath(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		return Stream.of(path.split(File.pathSeparator))
			.map((directory) -> Path.of(directory, name))
			.filter(Files::isExecutable)
			.findFirst();
	}

	/**
	 * Starts a headless browser whose credential prompts are answered with the given user, as a person would type
	 * them into the browser's dialog (WebDriver BiDi's {@code authRequired} interception).
	 * @param username the user
	 * @param password the password
	 * @return the session; close it with {@link Session#close()}
	 */
	Session start(String username, String password) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(this.browser.toFile());
		options.enableBiDi();
		// --no-sandbox: CI runs as root; the rest keeps the browser off the network apart from the page under test
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=820,1250", "--no-proxy-server", "--no-first-run", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(this.driver.toFile())
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		try {
			Network network = new Network(driver);
			AtomicInteger prompts = new AtomicInteger();
			network.addIntercept(new AddInterceptParameters(InterceptPhase.AUTH_REQUIRED));
			network.onAuthRequired((challenge) -> {
				prompts.incrementAndGet();
				network.continueWithAuth(challenge.getRequest().getRequestId(),
						new UsernameAndPassword(username, password));
			});
			return new Session(driver, network, prompts);
		}
		catch (RuntimeException ex) {
			driver.quit();
			throw ex;
		}
	}

	/**
	 * A running browser.
	 *
	 * @param driver the WebDriver
	 * @param network the BiDi network module answering credential prompts
	 * @param prompts how many credential prompts were answered
	 */
	record Session(ChromeDriver driver, Network network, AtomicInteger prompts) implements AutoCloseable {

		@Override
		public void close() {
			try {
				this.network.close();
			}
			finally {
				this.driver.quit();
			}
		}

	}

}
