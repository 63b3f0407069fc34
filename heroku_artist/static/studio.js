/* Shared helpers of the studio's scripts: the CSRF header and JSON requests. */
"use strict";

window.Studio = (function () {
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /** Send JSON to the studio with the CSRF header; resolve to {ok, status, body}. */
  async function send(method, url, body) {
    const headers = {
      "X-CSRFToken": csrfToken(),
      "X-Requested-With": "XMLHttpRequest",
      "Accept": "application/json",
    };
    const init = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      return { ok: false, status: 0, body: { error: { message: "The studio cannot be reached. Check your connection." } } };
    }
    let parsed = null;
    try {
      parsed = await response.json();
    } catch (error) {
      parsed = null;
    }
    return { ok: response.ok, status: response.status, body: parsed };
  }

  function errorMessage(result, fallback) {
    const error = result.body && result.body.error;
    return (error && error.message) || fallback;
  }

  return { csrfToken: csrfToken, send: send, errorMessage: errorMessage };
})();
