package io.rapport.jobs;

/** The Rapport version, from the jar manifest (Implementation-Version), or "dev" when run from classes. */
public final class Versions {
  private Versions() {}

  public static String rapport() {
    String version = Versions.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }
}
