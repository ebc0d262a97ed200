package io.github.idempotency.client.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's configuration reference in {@code README.md} lists exactly the properties of this module's
 * configuration metadata, each with a description and the default the metadata states.
 */
class ClientConfigurationReferenceTest {

	private static final String SECTION = "## Client configuration reference";

	private static final Pattern ROW = Pattern.compile("^\\| `(idempotency\\.client\\.[a-z.-]+)` \\| ([^|]*) \\|",
			Pattern.MULTILINE);

	@Test
	void referenceTableMatchesTheGeneratedMetadata() throws IOException {
		Set<String> documented = new TreeSet<>();
		String readme = Files.readString(Path.of("..", "README.md"));
		int start = readme.indexOf(SECTION);
		assertThat(start).as("README section '%s'", SECTION).isNotNegative();
		int end = readme.indexOf("\n## ", start + 1);
		Matcher matcher = ROW.matcher(readme.substring(start, (end < 0) ? readme.length() : end));
		Map<String, String> defaults = new TreeMap<>();
		while (matcher.find()) {
			documented.add(matcher.group(1));
			defaults.put(matcher.group(1), matcher.group(2).trim());
		}
		Set<String> generated = new TreeSet<>();
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode root = JsonMapper.builder().build().readTree(metadata);
			for (JsonNode property : root.get("properties")) {
				String name = property.get("name").asString();
				generated.add(name);
				assertThat(property.has("description")).as("description of %s", name).isTrue();
				assertThat(property.has("defaultValue")).as("default of %s", name).isTrue();
				JsonNode value = property.get("defaultValue");
				String expected = value.isArray() ? String.join(",", value.valueStream().map(JsonNode::asString).toList())
						: value.asString();
				assertThat(defaults.get(name)).as("default of %s in README", name).isIn("`" + expected + "`", null);
			}
		}
		assertThat(documented).isEqualTo(generated);
	}

}
