// Starts Swagger UI on this server's schema. An external file, so the page needs no inline
// script under the service's Content-Security-Policy; validatorUrl null keeps it offline.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    withCredentials: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
