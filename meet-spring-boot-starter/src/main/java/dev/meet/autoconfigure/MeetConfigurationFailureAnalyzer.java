package dev.meet.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link MeetConfigurationException} into the "what went wrong / what to do" report Boot prints. */
final class MeetConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<MeetConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MeetConfigurationException cause) {
    return new FailureAnalysis("meet is misconfigured: " + cause.getMessage(), cause.action(), cause);
  }
}
