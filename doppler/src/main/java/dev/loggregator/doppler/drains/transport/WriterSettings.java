package dev.loggregator.doppler.drains.transport;

import dev.loggregator.manifest.SyslogDrainsSection;

/** The timing and size settings every drain writer uses (doppler.syslog_drains, docs/manifest.md). */
public record WriterSettings(int connectTimeoutMs, int writeTimeoutMs, int requestTimeoutMs, int maxBackoffMs,
                             int maxRetries, int batchBytes, int batchIntervalMs) {

    public static WriterSettings of(SyslogDrainsSection section) {
        return new WriterSettings(section.connectTimeoutMs(), section.writeTimeoutMs(), section.requestTimeoutMs(),
                section.maxBackoffMs(), section.maxRetries(), section.batchBytes(), section.batchIntervalMs());
    }
}
