package dev.prio.server.signing;

import java.util.List;

/**
 * What the peer link signs (docs/peer-auth.md). Every request covers its method, path, query and
 * Content-Digest; every response covers its status and Content-Digest plus the request's method,
 * path and query and — binding it to that one request — the request's own signature ({@code
 * "signature";key="sig1";req}). Signature parameters: {@code created}, {@code keyid}, {@code
 * alg="ed25519"}, {@code nonce}.
 */
public final class PeerSignatureProfile {
  /** The Signature / Signature-Input dictionary label used in both directions. */
  public static final String LABEL = "sig1";

  public static final String ALG = "ed25519";

  public static final String SIGNATURE = "Signature";
  public static final String SIGNATURE_INPUT = "Signature-Input";
  public static final String ACCEPT_SIGNATURE = "Accept-Signature";

  public static final Component METHOD = Component.of("@method");
  public static final Component PATH = Component.of("@path");
  public static final Component QUERY = Component.of("@query");
  public static final Component STATUS = Component.of("@status");
  public static final Component CONTENT_DIGEST = Component.of("content-digest");

  /** The request's signature under {@link #LABEL}, as seen from its response. */
  public static final Component REQUEST_SIGNATURE =
      Component.of("signature").with("key", LABEL).req();

  /** Covered by (and required of) every request. */
  public static final List<Component> REQUEST = List.of(METHOD, PATH, QUERY, CONTENT_DIGEST);

  /** Covered by a response to a request that carried a {@link #LABEL} signature; required by A. */
  public static final List<Component> RESPONSE =
      List.of(STATUS, CONTENT_DIGEST, METHOD.req(), PATH.req(), QUERY.req(), REQUEST_SIGNATURE);

  /** Covered by a response (a 401) to a request without a signature to bind to. */
  public static final List<Component> RESPONSE_UNBOUND =
      List.of(STATUS, CONTENT_DIGEST, METHOD.req(), PATH.req(), QUERY.req());

  private PeerSignatureProfile() {}
}
