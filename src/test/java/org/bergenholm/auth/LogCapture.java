package org.bergenholm.auth;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log event of the process while open (logback's own list appender on the root logger). */
final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    List<ILoggingEvent> events() {
        synchronized (appender) { // AppenderBase.doAppend holds this lock while adding
            return List.copyOf(appender.list);
        }
    }

    /** All messages, formatted, one per line. */
    String text() {
        StringBuilder sb = new StringBuilder();
        events().forEach(e -> sb.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
