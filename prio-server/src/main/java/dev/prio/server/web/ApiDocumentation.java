package dev.prio.server.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.models.GroupedOpenApi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 documents of both APIs, served by each server (behind the operator token like the
 * rest of the operator API): {@code /v3/api-docs/operator} ({@code /batches/**}) and {@code
 * /v3/api-docs/peer} ({@code /peer/v1/**}), committed as {@code docs/openapi/*.yaml}. Every error
 * response is the same {@code Problem} document; which problem types an operation can answer, with
 * which status, is listed here per operation rather than scattered over annotations, so the list of
 * {@link ProblemType}s and the documents cannot drift apart unnoticed ({@code
 * OpenApiDocumentTest}).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {
  static final String PROBLEM = "Problem";
  static final String OPERATOR_AUTH = "operatorToken";
  static final String PEER_AUTH = "peerSignature";

  /** Every operation of an API can answer these (container and framework errors, auth, bugs). */
  private static final List<ProblemType> OPERATOR_COMMON =
      List.of(
          ProblemType.BAD_REQUEST,
          ProblemType.UNAUTHORIZED,
          ProblemType.NOT_FOUND,
          ProblemType.NOT_ACCEPTABLE,
          ProblemType.INTERNAL);

  private static final List<ProblemType> PEER_COMMON =
      List.of(
          ProblemType.BAD_REQUEST,
          ProblemType.UNAUTHORIZED,
          ProblemType.NOT_FOUND,
          ProblemType.NOT_ACCEPTABLE,
          ProblemType.UNSUPPORTED_MEDIA_TYPE,
          ProblemType.BUSY,
          ProblemType.INTERNAL);

  /** verify1 and verify2 of a chunk can fail the same ways. */
  private static final List<ProblemType> CHUNK_ROUND =
      List.of(
          ProblemType.NOT_HELPER,
          ProblemType.UNKNOWN_BATCH,
          ProblemType.STALE_ATTEMPT,
          ProblemType.ROUND_CONFLICT,
          ProblemType.BATCH_CONFLICT,
          ProblemType.PEER_PROTOCOL);

  /** What each operation adds to its API's common list, by operation id. */
  private static final Map<String, List<ProblemType>> SPECIFIC =
      Map.ofEntries(
          Map.entry(
              "startBatch",
              List.of(
                  ProblemType.UNSUPPORTED_MEDIA_TYPE,
                  ProblemType.UNKNOWN_BATCH_ID,
                  ProblemType.BATCH_CONFLICT,
                  ProblemType.NOT_LEADER)),
          Map.entry("getBatch", List.of(ProblemType.UNKNOWN_BATCH)),
          Map.entry(
              "rerunBatch",
              List.of(
                  ProblemType.UNSUPPORTED_MEDIA_TYPE,
                  ProblemType.UNKNOWN_BATCH,
                  ProblemType.BATCH_CONFLICT,
                  ProblemType.NOT_LEADER)),
          Map.entry(
              "abandonBatch",
              List.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, ProblemType.UNKNOWN_BATCH)),
          Map.entry(
              "handshake",
              List.of(
                  ProblemType.NOT_HELPER,
                  ProblemType.CONFIG_MISMATCH,
                  ProblemType.STALE_ATTEMPT,
                  ProblemType.ROUND_CONFLICT,
                  ProblemType.BATCH_CONFLICT,
                  ProblemType.PEER_PROTOCOL)),
          Map.entry("verify1", CHUNK_ROUND),
          Map.entry("verify2", CHUNK_ROUND),
          Map.entry(
              "total",
              List.of(
                  ProblemType.NOT_HELPER,
                  ProblemType.UNKNOWN_BATCH,
                  ProblemType.STALE_ATTEMPT,
                  ProblemType.ROUND_CONFLICT,
                  ProblemType.BATCH_CONFLICT,
                  ProblemType.BATCH_MISMATCH,
                  ProblemType.PEER_PROTOCOL)),
          Map.entry(
              "publish",
              List.of(
                  ProblemType.NOT_HELPER,
                  ProblemType.UNKNOWN_BATCH,
                  ProblemType.STALE_ATTEMPT,
                  ProblemType.ROUND_CONFLICT,
                  ProblemType.BATCH_CONFLICT,
                  ProblemType.BATCH_MISMATCH,
                  ProblemType.PEER_PROTOCOL)));

  @Bean
  GroupedOpenApi operatorApi() {
    return GroupedOpenApi.builder()
        .group("operator")
        .pathsToMatch("/batches/**")
        .addOpenApiCustomizer(
            api ->
                document(
                    api,
                    "Prio v1 server: operator API",
                    "Start, inspect, rerun and abandon batches (design §5). Server A drives batches; server B answers"
                        + " only GET (and abandon) for its side. Every request needs the operator bearer token"
                        + " (docs/peer-auth.md). Errors are RFC 9457 problem details.",
                    OPERATOR_AUTH,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "The operator token; the server keeps only its SHA-256 (prio.peer-auth.operator-token-sha256)."),
                    OPERATOR_COMMON))
        .build();
  }

  @Bean
  GroupedOpenApi peerApi() {
    return GroupedOpenApi.builder()
        .group("peer")
        .pathsToMatch("/peer/v1/**")
        .addOpenApiCustomizer(
            api ->
                document(
                    api,
                    "Prio v1 server: peer API",
                    "Server A's round requests to server B, one request per round and chunk (design §3). Served by"
                        + " server B; server A answers every path with not-helper. Every request and every response is signed"
                        + " (RFC 9421, Ed25519, over @method, @path, created, nonce and an RFC 9530 Content-Digest;"
                        + " docs/peer-auth.md). Round requests are idempotent: the same body gets the same answer, a"
                        + " different body for the same round and chunk gets round-conflict.",
                    PEER_AUTH,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER)
                        .name("Signature")
                        .description(
                            "RFC 9421 HTTP message signature (label prio) with Signature-Input and Content-Digest headers,"
                                + " made with server A's Ed25519 key (docs/peer-auth.md)."),
                    PEER_COMMON))
        .build();
  }

  private static void document(
      OpenAPI api,
      String title,
      String description,
      String authName,
      SecurityScheme auth,
      List<ProblemType> common) {
    api.info(new Info().title(title).version("v1").description(description));
    api.servers(List.of(new Server().url("/")));
    Components components = api.getComponents() == null ? new Components() : api.getComponents();
    components.addSecuritySchemes(authName, auth);
    components.addSchemas(PROBLEM, problemSchema());
    // Sorted, so the served document (and the committed copy) does not depend on bean order.
    components.setSchemas(new TreeMap<>(components.getSchemas()));
    api.components(components);
    api.security(List.of(new SecurityRequirement().addList(authName)));
    if (api.getPaths() == null) {
      return;
    }
    for (PathItem item : api.getPaths().values()) {
      for (Operation op : item.readOperations()) {
        ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
        Map<Integer, List<ProblemType>> byStatus = new TreeMap<>();
        for (ProblemType t : common) {
          byStatus.computeIfAbsent(t.status().value(), s -> new java.util.ArrayList<>()).add(t);
        }
        for (ProblemType t : SPECIFIC.getOrDefault(op.getOperationId(), List.of())) {
          byStatus.computeIfAbsent(t.status().value(), s -> new java.util.ArrayList<>()).add(t);
        }
        byStatus.forEach(
            (status, types) ->
                responses.addApiResponse(String.valueOf(status), problemResponse(types)));
        op.setResponses(sorted(responses));
      }
    }
  }

  private static ApiResponses sorted(ApiResponses responses) {
    ApiResponses out = new ApiResponses();
    new TreeMap<>(responses).forEach(out::addApiResponse);
    return out;
  }

  private static ApiResponse problemResponse(List<ProblemType> types) {
    StringBuilder description = new StringBuilder();
    for (ProblemType t : types) {
      description
          .append(description.isEmpty() ? "" : "; ")
          .append(t.type())
          .append(" (")
          .append(Problems.title(t))
          .append(')');
    }
    Schema<?> schema = new Schema<>().$ref("#/components/schemas/" + PROBLEM);
    return new ApiResponse()
        .description(description.toString())
        .content(new Content().addMediaType(Problems.MEDIA_TYPE, new MediaType().schema(schema)));
  }

  private static Schema<?> problemSchema() {
    Map<String, Schema> props = new LinkedHashMap<>();
    StringSchema type = new StringSchema();
    type.setEnum(Arrays.stream(ProblemType.values()).map(t -> t.type().toString()).toList());
    type.description(
        "The problem type (a urn:prio:problem: URN); its status is fixed per type except http-error,"
            + " which carries whatever client error the framework or the container raised.");
    props.put("type", type);
    props.put("title", new StringSchema().description("The type in words."));
    props.put(
        "status",
        new IntegerSchema()
            .format("int32")
            .minimum(java.math.BigDecimal.valueOf(400))
            .maximum(java.math.BigDecimal.valueOf(599)));
    props.put(
        "detail",
        new StringSchema().description("Operator-facing explanation of this occurrence."));
    props.put("instance", new StringSchema().description("The request path."));
    ObjectSchema problem = new ObjectSchema();
    problem.setProperties(props);
    problem.setRequired(List.of("type", "title", "status"));
    problem.description("RFC 9457 problem details: every error response of both APIs.");
    return problem;
  }
}
