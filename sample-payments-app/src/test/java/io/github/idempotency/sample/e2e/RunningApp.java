package io.github.idempotency.sample.e2e;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.idempotency.sample.SamplePaymentsApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One instance of the sample app on a random port, started as {@code java -jar} would start it, with a profile and
 * command-line properties.
 */
final class RunningApp implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final URI baseUri;

	private RunningApp(ConfigurableApplicationContext context) {
		this.context = context;
		this.baseUri = URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
	}

	/**
	 * Starts an instance.
	 * @param profile the profile to activate, or {@code null} for the default run
	 * @param properties properties passed as {@code --name=value} arguments
	 * @return the started instance
	 */
	static RunningApp start(String profile, Map<String, String> properties) {
		List<String> args = new ArrayList<>();
		args.add("--server.port=0");
		properties.forEach((name, value) -> args.add("--" + name + "=" + value));
		SpringApplicationBuilder builder = new SpringApplicationBuilder(SamplePaymentsApplication.class);
		if (profile != null) {
			builder.profiles(profile);
		}
		return new RunningApp(builder.run(args.toArray(String[]::new)));
	}

	URI uri(String path) {
		return this.baseUri.resolve(path);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	@Override
	public void close() {
		this.context.close();
	}

}
