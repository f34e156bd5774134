// The scanner's behaviour: camera frames sent to the server for decoding, Auto-stamp and the
// kiosk answered without reloading (with a beep), and no form sent twice by a double tap.
"use strict";

(function () {
  var audio = null;

  function beep(ok) {
    // Web Audio: the first key or tap on the page lets it sound (the browser's autoplay rule).
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = ok ? [880] : [330, 330];
      tones.forEach(function (frequency, index) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        var start = audio.currentTime + index * 0.22;
        oscillator.frequency.value = frequency;
        oscillator.connect(gain);
        gain.connect(audio.destination);
        gain.gain.setValueAtTime(0.25, start);
        oscillator.start(start);
        oscillator.stop(start + 0.15);
      });
      document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
    } catch (error) {
      // No sound on this device: the message on the screen still says what happened.
    }
  }

  function autoStamp(form) {
    var outcome = document.getElementById("outcome");
    var field = form.querySelector("input[name=number]");
    var kiosk = document.body.classList.contains("kiosk");
    var clearing = null;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = new FormData(form);
      field.value = "";
      fetch(form.action, {
        method: "POST",
        body: body,
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) {
          if (response.redirected || !response.headers.get("content-type").includes("json")) {
            window.location.reload(); // signed out meanwhile: the page sends it to the login
            return null;
          }
          return response.json();
        })
        .then(function (answer) {
          if (!answer) { return; }
          outcome.className = "outcome " + answer.status;
          outcome.textContent = answer.message;
          var card = document.getElementById("outcome-card");
          if (card) {
            card.hidden = !answer.card_url;
            if (answer.card_url) { card.querySelector("a").href = answer.card_url; }
          }
          beep(answer.status === "stamped");
          if (kiosk) {
            // The next customer should not see the last one's card.
            window.clearTimeout(clearing);
            clearing = window.setTimeout(function () { outcome.textContent = ""; }, 8000);
          }
        })
        .catch(function () {
          outcome.className = "outcome refused";
          outcome.textContent = outcome.dataset.offline || "No connection.";
          beep(false);
        })
        .finally(function () { field.focus(); });
    });
  }

  function camera(panel) {
    var start = document.getElementById("camera-start");
    var stop = document.getElementById("camera-stop");
    var video = document.getElementById("camera-video");
    var status = document.getElementById("camera-status");
    var lookup = document.getElementById("lookup");
    var canvas = document.createElement("canvas");
    var stream = null;
    var timer = null;
    var busy = false;

    function finish() {
      if (timer) { clearInterval(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
      video.hidden = true; stop.hidden = true; start.hidden = false;
    }

    function sendFrame() {
      if (busy || !video.videoWidth) { return; }
      var scale = Math.min(1, 800 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      busy = true;
      canvas.toBlob(function (frame) {
        fetch(panel.dataset.decodeUrl, {
          method: "POST",
          body: frame,
          headers: { "Content-Type": "image/jpeg", "X-CSRFToken": panel.dataset.csrf, Accept: "application/json" },
          credentials: "same-origin"
        })
          .then(function (response) { return response.ok ? response.json() : { text: null }; })
          .then(function (answer) {
            if (answer.text && stream) {
              finish();
              lookup.querySelector("input[name=q]").value = answer.text;
              lookup.submit();
            }
          })
          .catch(function () {})
          .finally(function () { busy = false; });
      }, "image/jpeg", 0.85);
    }

    start.addEventListener("click", function () {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        status.textContent = status.dataset.failed;
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (opened) {
          stream = opened;
          video.srcObject = opened;
          video.hidden = false; stop.hidden = false; start.hidden = true;
          status.textContent = status.dataset.looking;
          return video.play();
        })
        .then(function () { timer = setInterval(sendFrame, 500); })
        .catch(function () { finish(); status.textContent = status.dataset.failed; });
    });
    stop.addEventListener("click", finish);
  }

  function once(form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
      }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var auto = document.getElementById("auto-form");
    if (auto) { autoStamp(auto); }
    var panel = document.querySelector(".camera[data-decode-url]");
    if (panel) { camera(panel); }
    document.querySelectorAll("form:not(#auto-form)").forEach(once);
  });
})();
