package io.github.idempotency.faultsuite.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a JVM uses after a full collection, read by its PID with {@code jcmd}: {@code GC.run}, then
 * {@code GC.heap_info}, whose generations (or regions) report what they use.
 */
public final class HeapProbe {

	// "def new generation   total 9216K, used 1234K", "tenured generation ...", "garbage-first heap ..."
	private static final Pattern USED = Pattern.compile("(?:generation|heap)\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

	private HeapProbe() {
	}

	/**
	 * Collects the JVM's garbage and reads what its heap still holds.
	 * @param pid the JVM's process
	 * @return the bytes used
	 */
	public static long usedAfterFullGc(long pid) {
		jcmd(pid, "GC.run");
		String info = jcmd(pid, "GC.heap_info");
		Matcher matcher = USED.matcher(info);
		long usedKib = 0;
		boolean found = false;
		while (matcher.find()) {
			usedKib += Long.parseLong(matcher.group(1));
			found = true;
		}
		if (!found) {
			throw new IllegalStateException("jcmd " + pid + " GC.heap_info printed no heap use:\n" + info);
		}
		return usedKib * 1024;
	}

	private static String jcmd(long pid, String command) {
		String jcmd = System.getProperty("java.home") + File.separator + "bin" + File.separator + "jcmd";
		try {
			Process process = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
