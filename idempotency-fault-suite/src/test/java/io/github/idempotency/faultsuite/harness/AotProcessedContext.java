package io.github.idempotency.faultsuite.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.jspecify.annotations.Nullable;

/**
 * An app's application context processed ahead of time by Spring AOT, for one configuration (as
 * {@link ClassDataArchive#configuration named}): the bean definitions, which a start-up otherwise derives from
 * annotations, conditions and reflection, come as generated code ({@code -Dspring.aot.enabled=true}). For
 * scenarios that start many instances of one configuration; side by side, a start of scenario 2's app took about a
 * sixth less CPU with it (docs/reliability.md).
 * <p>
 * The processing ({@code SpringApplicationAotProcessor}) runs once per configuration in a child JVM with the
 * app's arguments of the first start, its sources are compiled in this JVM, and the classes and resources are packed
 * into a jar in {@code target/fault-suite-child/} that goes first on that configuration's class path (a jar, so
 * that the class-data archive holds them too). The processing fixes which beans exist, by the conditions it
 * evaluated on those arguments ({@code idempotency.jpa.join-transaction} is one), so it {@linkplain #serves serves}
 * only starts with the same arguments but for those a run chooses anew (the port, the data source), which are bound
 * at run time as without it; the other starts of the configuration (scenario 2's control) keep the jar on their
 * class path, so that they map the same archive, and start without it ({@code -Dspring.aot.enabled} unset). A jar is
 * made again only when the class path or those arguments changed, so a second run in the same {@code target/} reuses
 * it. Without a compiler (a JRE), with {@code -Dfault-suite.aot=false}, or when the processing fails, the
 * configuration starts as usual.
 */
final class AotProcessedContext {

	private static final String PROCESSOR = "org.springframework.boot.SpringApplicationAotProcessor";

	// the arguments that a run chooses anew (a free port, the embedded database's URL): left out of the comparison
	// that decides whether a jar of an earlier run still serves
	private static final List<String> RUN_SPECIFIC = List.of("--server.port=", "--spring.datasource.url=",
			"--spring.datasource.username=", "--spring.datasource.password=");

	// per configuration: its context, or null where the processing failed (absent: not processed yet in this JVM)
	private static final Map<String, @Nullable AotProcessedContext> contexts = new HashMap<>();

	private final Path jar;

	private final List<String> arguments;

	private AotProcessedContext(Path jar, List<String> arguments) {
		this.jar = jar;
		this.arguments = arguments;
	}

	/**
	 * The processed context of a configuration, made first if need be from the arguments of its first start.
	 * @param configuration the configuration's name
	 * @param app the app
	 * @param classPath the app's class path
	 * @param appArguments the start's arguments
	 * @return the context, or {@code null} to start without one
	 */
	static synchronized @Nullable AotProcessedContext of(String configuration, AppUnderTest app, String classPath,
			List<String> appArguments) {
		if ("false".equals(System.getProperty("fault-suite.aot"))) {
			return null;
		}
		if (!contexts.containsKey(configuration)) {
			Path jar = process(configuration, app, classPath, appArguments);
			contexts.put(configuration, (jar != null) ? new AotProcessedContext(jar, comparable(appArguments)) : null);
		}
		return contexts.get(configuration);
	}

	/**
	 * The jar of generated classes and resources, for the front of the configuration's class path.
	 * @return the jar
	 */
	Path jar() {
		return this.jar;
	}

	/**
	 * Whether a start may run on this context: its arguments are those it was processed with, but for the port and
	 * the data source.
	 * @param appArguments the start's arguments
	 * @return whether to start it with {@code -Dspring.aot.enabled=true}
	 */
	boolean serves(List<String> appArguments) {
		return this.arguments.equals(comparable(appArguments));
	}

	private static @Nullable Path process(String configuration, AppUnderTest app, String classPath,
			List<String> appArguments) {
		long start = System.nanoTime();
		Path jar = ChildClassPath.DIRECTORY.resolve(configuration + "-aot.jar").toAbsolutePath();
		Path madeFor = jar.resolveSibling(jar.getFileName() + ".made-for");
		Path work = ChildClassPath.DIRECTORY.resolve("aot-" + configuration).toAbsolutePath();
		Path log = ChildClassPath.DIRECTORY.resolve(configuration + "-aot.log").toAbsolutePath();
		try {
			String fingerprint = ClassDataArchive.fingerprint(classPath) + String.join("\n", comparable(appArguments));
			if (Files.exists(jar) && Files.exists(madeFor) && Files.readString(madeFor).equals(fingerprint)) {
				System.out.println("fault suite: Spring AOT context reused: " + jar);
				return jar;
			}
			Files.deleteIfExists(madeFor);
			delete(work);
			Path sources = work.resolve("sources");
			Path resources = Files.createDirectories(work.resolve("resources"));
			Path classes = Files.createDirectories(work.resolve("classes"));
			boolean made = runProcessor(app, classPath, appArguments, sources, resources, classes, log)
					&& compile(sources, classes, classPath, log);
			if (made) {
				ChildClassPath.jar(jar, classes, resources);
				Files.writeString(madeFor, fingerprint);
			}
			System.out.println("fault suite: Spring AOT context " + configuration + " "
					+ (made ? "made" : "NOT made (see " + log + ")") + " in "
					+ TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s");
			return made ? jar : null;
		}
		catch (IOException | RuntimeException ex) {
			System.out.println("fault suite: no Spring AOT context " + configuration + ": " + ex);
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		finally {
			StartUps.recordPreparation(System.nanoTime() - start);
		}
	}

	// sorted: the arguments' order (of a map's properties) says nothing about the context
	private static List<String> comparable(List<String> appArguments) {
		return appArguments.stream()
			.filter((argument) -> RUN_SPECIFIC.stream().noneMatch(argument::startsWith))
			.sorted()
			.toList();
	}

	private static boolean runProcessor(AppUnderTest app, String classPath, List<String> appArguments, Path sources,
			Path resources, Path classes, Path log) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(ChildApp.jvm());
		command.addAll(List.of("-cp", classPath, PROCESSOR, app.mainClass(), sources.toString(), resources.toString(),
				classes.toString(), "io.github.idempotency", app.artifactId()));
		command.addAll(appArguments);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			return process.waitFor(5, TimeUnit.MINUTES) && process.exitValue() == 0;
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static boolean compile(Path sources, Path classes, String classPath, Path log) throws IOException {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		if (compiler == null) {
			Files.writeString(log, "\nno Java compiler in " + System.getProperty("java.home") + "\n",
					java.nio.file.StandardOpenOption.APPEND);
			return false;
		}
		List<String> arguments = new ArrayList<>(List.of("-proc:none", "-nowarn", "-encoding", "UTF-8", "-d",
				classes.toString(), "-cp", classes + File.pathSeparator + classPath));
		try (Stream<Path> files = Files.walk(sources)) {
			files.filter((file) -> file.toString().endsWith(".java")).map(Path::toString).forEach(arguments::add);
		}
		try (var out = Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
			return compiler.run(null, out, out, arguments.toArray(String[]::new)) == 0;
		}
	}

	private static void delete(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
				Files.delete(file);
			}
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

}
