package io.github.idempotency.core.store;

import java.lang.System.Logger;
import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Logger} that keeps what is logged, so that tests read the warnings a store writes.
 */
final class RecordingLogger implements Logger {

	final List<String> lines = new CopyOnWriteArrayList<>();

	@Override
	public String getName() {
		return "recording";
	}

	@Override
	public boolean isLoggable(Level level) {
		return true;
	}

	@Override
	public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
		this.lines.add(level + " " + message);
	}

	@Override
	public void log(Level level, ResourceBundle bundle, String format, Object... params) {
		this.lines.add(level + " " + ((params == null) ? format : MessageFormat.format(format, params)));
	}

}
