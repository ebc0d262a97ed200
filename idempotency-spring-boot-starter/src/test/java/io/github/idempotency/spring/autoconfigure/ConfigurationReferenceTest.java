package io.github.idempotency.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference in {@code README.md} lists exactly the properties the configuration metadata has,
 * each of which has a description.
 */
class ConfigurationReferenceTest {

	// the actuator endpoint's own properties are generated under Spring Boot's management.endpoint.<id> prefix
	private static final Pattern ROW = Pattern.compile(
			"^\\| `((?:idempotency|management\\.endpoint\\.idempotency)\\.[a-z.-]+)` \\|", Pattern.MULTILINE);

	@Test
	void referenceTableMatchesTheGeneratedMetadata() throws IOException {
		Set<String> documented = new TreeSet<>();
		String readme = Files.readString(Path.of("..", "README.md"));
		int start = readme.indexOf("## Configuration reference");
		assertThat(start).as("README section 'Configuration reference'").isNotNegative();
		int end = readme.indexOf("\n## ", start + 1);
		Matcher matcher = ROW.matcher(readme.substring(start, (end < 0) ? readme.length() : end));
		while (matcher.find()) {
			documented.add(matcher.group(1));
		}
		Set<String> generated = new TreeSet<>();
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode root = JsonMapper.builder().build().readTree(metadata);
			for (JsonNode property : root.get("properties")) {
				String name = property.get("name").asString();
				generated.add(name);
				assertThat(property.has("description")).as("description of %s", name).isTrue();
			}
		}
		assertThat(documented).isEqualTo(generated);
	}

}
