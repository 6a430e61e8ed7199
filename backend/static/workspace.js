// 我的报送: one upload dialog that opens for the chosen item. Files come from the picker or a
// drop; the form goes to the submissions API by XMLHttpRequest (for upload progress) with the
// page's CSRF token; on success the list is re-fetched so the item shows 已报送待审 at once.
(function () {
  "use strict";

  var chosen = [];
  var busy = false;

  function $(id) { return document.getElementById(id); }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function formatSize(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + " MB"; }
    return Math.max(0.1, bytes / 1024).toFixed(1) + " KB";
  }

  function say(text, tone) {
    var box = $("upload-message");
    if (!box) { return; }
    box.textContent = text;
    box.className = tone ? "notice " + tone : "";
  }

  function setProgress(percent) {
    var bar = $("upload-progress");
    var label = $("upload-percent");
    if (bar) { bar.value = percent; bar.textContent = percent + "%"; }
    if (label) { label.textContent = percent + "%"; }
  }

  function renderFiles() {
    var list = $("upload-file-list");
    if (!list) { return; }
    list.textContent = "";
    chosen.forEach(function (file, index) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode(file.name + "（" + formatSize(file.size) + "）"));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn link";
      remove.textContent = "移除";
      remove.setAttribute("data-remove-file", String(index));
      remove.setAttribute("aria-label", "移除 " + file.name);
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  function addFiles(files) {
    for (var i = 0; i < files.length; i += 1) {
      var file = files[i];
      var duplicate = chosen.some(function (f) {
        return f.name === file.name && f.size === file.size && f.lastModified === file.lastModified;
      });
      if (!duplicate) { chosen.push(file); }
    }
    renderFiles();
  }

  function resetForm(form) {
    chosen = [];
    form.reset();
    renderFiles();
    setProgress(0);
    $("upload-progress-wrap").hidden = true;
    say("", "");
  }

  function openFor(button) {
    var dialog = $("upload-dialog");
    var form = $("upload-form");
    if (!dialog || !form || busy) { return; }
    resetForm(form);
    form.elements.namedItem("obligation_id").value = button.getAttribute("data-upload");
    form.elements.namedItem("year").value = button.getAttribute("data-year") || "";
    $("upload-title").textContent = button.textContent.trim();
    $("upload-target").textContent = button.getAttribute("data-label") || "";
    $("upload-submit").disabled = false;
    dialog.showModal();
  }

  function closeDialog() {
    var dialog = $("upload-dialog");
    if (dialog && dialog.open && !busy) { dialog.close(); }
  }

  function refreshList() {
    var target = $("workspace-items");
    if (!target || typeof htmx === "undefined") { return; }
    var url = (target.getAttribute("data-refresh-url") || "/workspace") + window.location.search;
    htmx.ajax("GET", url, { target: "#workspace-items", swap: "innerHTML" });
  }

  function errorText(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.detail) { return String(body.detail); }
    } catch (e) { /* not JSON: the CSRF refusal and proxies answer in plain text */ }
    if (xhr.status === 413) { return "上传内容超过大小限制。"; }
    return (xhr.responseText && xhr.responseText.length < 300 && xhr.responseText) ||
      "报送失败（" + xhr.status + "），请稍后重试。";
  }

  function submit(form) {
    if (busy) { return; }
    if (chosen.length === 0) { say("请至少上传一个文件。", "warn"); return; }
    if (!form.elements.namedItem("not_secret").checked) {
      say("请确认所报材料不涉及国家秘密后再报送。", "warn");
      return;
    }
    var data = new FormData();
    ["enterprise_id", "obligation_id", "year", "note", "doc_no", "doc_on"].forEach(function (name) {
      data.append(name, form.elements.namedItem(name).value);
    });
    data.append("not_secret", "1");
    chosen.forEach(function (file) { data.append("files", file, file.name); });

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable && event.total > 0) {
        setProgress(Math.min(99, Math.floor((event.loaded / event.total) * 100)));
      }
    });
    xhr.addEventListener("load", function () {
      busy = false;
      $("upload-submit").disabled = false;
      if (xhr.status === 201) {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        setProgress(100);
        $("upload-submit").disabled = true;
        say("报送成功：第 " + (body.version || "") + " 版已提交（" +
          (body.files ? body.files.length : chosen.length) + " 个文件），状态为“已报送待审”。", "ok");
        chosen = [];
        renderFiles();
        refreshList();
      } else {
        setProgress(0);
        say(errorText(xhr), "warn");
      }
    });
    xhr.addEventListener("error", function () {
      busy = false;
      $("upload-submit").disabled = false;
      setProgress(0);
      say("上传中断，请检查网络连接后重试。", "warn");
    });
    busy = true;
    $("upload-submit").disabled = true;
    $("upload-progress-wrap").hidden = false;
    setProgress(0);
    say("正在上传…", "");
    xhr.send(data);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var opener = target.closest("[data-upload]");
    if (opener) { openFor(opener); return; }
    if (target.closest("[data-close-dialog]")) { closeDialog(); return; }
    var remove = target.closest("[data-remove-file]");
    if (remove && !busy) {
      chosen.splice(Number(remove.getAttribute("data-remove-file")), 1);
      renderFiles();
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.id === "upload-files" && input.files) {
      addFiles(input.files);
      input.value = "";  // choosing the same file again still fires change
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.id === "upload-form") {
      event.preventDefault();
      submit(form);
    }
  });

  document.addEventListener("cancel", function (event) {
    if (busy && event.target instanceof HTMLDialogElement) { event.preventDefault(); }
  }, true);

  function dialogOpen() {
    var dialog = $("upload-dialog");
    return Boolean(dialog && dialog.open);
  }

  // While the dialog is open, a file dropped beside the zone must not replace the page.
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = event.target instanceof Element && event.target.closest("#drop-zone");
      if (zone || dialogOpen()) { event.preventDefault(); }
      if (zone) { zone.classList.add("dragging"); }
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target instanceof Element && event.target.closest("#drop-zone");
    if (zone && !zone.contains(event.relatedTarget)) { zone.classList.remove("dragging"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target instanceof Element && event.target.closest("#drop-zone");
    if (!zone) {
      if (dialogOpen()) { event.preventDefault(); }
      return;
    }
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files && !busy) { addFiles(event.dataTransfer.files); }
  });
})();
