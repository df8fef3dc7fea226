package dev.prio.server.pair;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.prio.server.signing.HttpMessage;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WireMock response transformer that signs a stubbed answer with B's key ({@link
 * ServerPair#PEER_AUTH}), bound to the request it answers: an injected refusal then is B's word, as
 * a real one would be. Unsigned stubs stand for whatever else answers on B's path (a proxy, a pod
 * shutting down), which A treats as lost. Register with {@code options().extensions(new
 * SignedAsB())}; use with {@code aResponse()....withTransformers(SignedAsB.NAME)}.
 */
public final class SignedAsB implements ResponseTransformerV2 {
  public static final String NAME = "signed-as-b";

  @Override
  public Response transform(Response response, ServeEvent event) {
    LoggedRequest r = event.getRequest();
    URI uri = URI.create(r.getUrl());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpHeader h : r.getHeaders().all()) {
      headers.put(h.key(), h.values());
    }
    HttpMessage request =
        HttpMessage.request(
            r.getMethod().getName(),
            "http",
            "127.0.0.1",
            uri.getRawPath(),
            uri.getRawQuery(),
            headers);
    List<HttpHeader> out = new ArrayList<>(response.getHeaders().all());
    ServerPair.PEER_AUTH.signAsB(
        response.getStatus(),
        response.getBody(),
        request,
        (name, value) -> out.add(new HttpHeader(name, value)));
    return Response.Builder.like(response).but().headers(new HttpHeaders(out)).build();
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public String getName() {
    return NAME;
  }
}
