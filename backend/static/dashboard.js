// 工作台: each panel (<section data-endpoint>) reads its JSON and draws its charts with ECharts
// (vendored, backend/static/vendor/echarts). Every chart has the table of its numbers below it,
// for print and screen readers, and every number links to the board or list behind it.
// No inline script, no inline style (the CSP forbids both): tooltips render in the canvas.
(function () {
  "use strict";

  var STATUS_COLORS = {
    approved: "#3a9d5d", approved_late: "#a5c85a", submitted: "#e0b44c",
    returned: "#d9822b", overdue: "#c62828", due_soon: "#5b8fd6", not_due: "#b8c0cc", exempt: "#d6dae0"
  };
  var COHORT_COLORS = { UPG7: "#6a4c93", T1: "#1f4e79" };
  var GRADE_COLORS = ["#3a9d5d", "#5b8fd6", "#e0b44c", "#c62828"];
  var charts = [];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function linked(text, href) {
    return href ? el("a", { href: href, text: String(text) }) : document.createTextNode(String(text));
  }

  function rate(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  function cnDate(iso) {
    if (!iso) { return ""; }
    var p = iso.slice(0, 10).split("-");
    return Number(p[0]) + "年" + Number(p[1]) + "月" + Number(p[2]) + "日";
  }

  // A table: head is a list of labels; each row a list of cells, a cell being a value or
  // {text, href, num}. Numbers are right-aligned.
  function table(caption, head, rows, cls) {
    var thead = el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { scope: "col", text: h }); }))]);
    var body = el("tbody", {}, rows.map(function (row) {
      return el("tr", {}, row.map(function (cell, i) {
        var c = (cell !== null && typeof cell === "object") ? cell : { text: cell };
        var attrs = {};
        if (c.num || typeof c.text === "number") { attrs["class"] = "num"; }
        var tag = i === 0 ? "th" : "td";
        if (i === 0) { attrs.scope = "row"; }
        return el(tag, attrs, [linked(c.text === undefined || c.text === null ? "" : c.text, c.href)]);
      }));
    }));
    if (!rows.length) {
      body.appendChild(el("tr", {}, [el("td", { colspan: String(head.length), "class": "empty", text: "暂无" })]));
    }
    return el("div", { "class": "table-wrap" }, [
      el("table", { "class": "grid" + (cls ? " " + cls : "") }, [el("caption", { text: caption }), thead, body])
    ]);
  }

  // A figure: title, the chart, then its table (folded when long, still read by screen readers).
  function figure(parent, title, option, tableNode, opts) {
    opts = opts || {};
    var chartNode = el("div", { "class": "dash-chart", role: "img", "aria-label": title + "（数字见下表）" });
    var extra = opts.note ? el("p", { "class": "note", text: opts.note }) : null;
    var tableBlock = opts.fold ? el("details", {}, [el("summary", { text: "查看数据表" }), tableNode]) : tableNode;
    var fig = el("figure", { "class": "dash-figure", "data-chart": opts.key || "" },
      [el("figcaption", { text: title }), extra, chartNode, tableBlock]);
    parent.appendChild(fig);
    if (window.echarts) {
      var chart = window.echarts.init(chartNode, null, { renderer: "canvas" });
      option.tooltip = Object.assign({ renderMode: "richText", confine: true }, option.tooltip || {});
      option.animation = false;
      chart.setOption(option);
      if (opts.links) {
        chart.on("click", function (params) {
          var href = opts.links(params);
          if (href) { window.location.href = href; }
        });
      }
      charts.push(chart);
      // The grid settles its columns as figures are added: follow the container's real size.
      if (window.ResizeObserver) {
        new window.ResizeObserver(function () { chart.resize(); }).observe(chartNode);
      }
    } else {
      chartNode.appendChild(el("p", { "class": "dash-empty", text: "图表组件未能加载，数字见下表。" }));
    }
    return fig;
  }

  function kpis(parent, items) {
    parent.appendChild(el("div", { "class": "dash-kpis" }, items.map(function (k) {
      return el(k.href ? "a" : "div", Object.assign({ "class": "dash-kpi" + (k.alert ? " alert" : ""), "data-kpi": k.key || "" }, k.href ? { href: k.href } : {}), [
        el("span", { "class": "label", text: k.label }),
        el("span", { "class": "value", text: String(k.value) })
      ]);
    })));
  }

  // On a phone the category labels turn so that they do not run into each other.
  function categories(data) {
    var narrow = window.innerWidth < 600;
    return { type: "category", data: data,
             axisLabel: { interval: 0, fontSize: narrow ? 10 : 11, rotate: narrow ? 40 : 0, hideOverlap: false } };
  }

  var GRID = { left: 8, right: 12, top: 36, bottom: 8, containLabel: true };
  var LEGEND = { top: 0, type: "scroll", textStyle: { fontSize: 11 } };

  // Completion (stacked by status) for breakdown rows: years, phases.
  function completion(parent, title, key, statuses, rows, note) {
    var option = {
      grid: GRID, legend: LEGEND, tooltip: { trigger: "axis" },
      xAxis: categories(rows.map(function (r) { return r.label; })),
      yAxis: { type: "value", minInterval: 1 },
      series: statuses.map(function (s, i) {
        return { name: s.label, type: "bar", stack: "all", itemStyle: { color: STATUS_COLORS[s.code] },
                 data: rows.map(function (r) { return r.counts[i].count; }) };
      })
    };
    var head = [key === "phase" ? "阶段" : "年度"].concat(statuses.map(function (s) { return s.label; }), ["应报", "按时报送率"]);
    var body = rows.map(function (r) {
      return [{ text: r.label, href: r.link }].concat(
        r.counts.map(function (c) { return { text: c.count, href: c.link }; }),
        [{ text: r.owed, href: r.link }, { text: rate(r.on_time_rate), num: true }]);
    });
    figure(parent, title, option, table(title + "（数据表）", head, body), {
      key: key, note: note,
      links: function (p) { return rows[p.dataIndex] && rows[p.dataIndex].counts[p.seriesIndex].link; }
    });
  }

  function drawOverview(body, d) {
    var last = d.on_time.length ? d.on_time[d.on_time.length - 1] : null;
    var sum = function (code) {
      return d.by_year.reduce(function (n, r) {
        return n + r.counts.filter(function (c) { return c.status === code; })[0].count;
      }, 0);
    };
    var boardWith = function (status) { return d.board_link + "&status=" + status; };
    kpis(body, [
      { key: "enterprises", label: "报送企业（集团）", value: d.enterprises, href: d.board_link },
      { key: "rate", label: "按时报送率", value: rate(last && last.rate), href: last && last.link },
      { key: "overdue", label: "逾期未报", value: sum("overdue"), href: boardWith("overdue"), alert: sum("overdue") > 0 },
      { key: "submitted", label: "待审", value: sum("submitted"), href: boardWith("submitted") },
      { key: "returned", label: "退回待改", value: sum("returned"), href: boardWith("returned") }
    ]);
    var grid = el("div", { "class": "dash-grid" });
    body.appendChild(grid);
    completion(grid, "按年度完成情况", "year", d.statuses, d.by_year);
    completion(grid, "按阶段完成情况", "phase", d.statuses, d.by_phase, "进度看板没有阶段筛选：数字链接到按状态筛选的看板。");

    // 提级管理 beside 市属一级: one bar per cohort for each status.
    var cohortOption = {
      grid: GRID, legend: LEGEND, tooltip: { trigger: "axis" },
      xAxis: categories(d.statuses.map(function (s) { return s.label; })),
      yAxis: { type: "value", minInterval: 1 },
      series: d.cohorts.map(function (c) {
        return { name: c.label, type: "bar", itemStyle: { color: COHORT_COLORS[c.key] },
                 data: c.counts.map(function (x) { return x.count; }) };
      })
    };
    var cohortHead = ["分组"].concat(d.statuses.map(function (s) { return s.label; }), ["应报", "按时报送率"]);
    var cohortRows = d.cohorts.map(function (c) {
      return [{ text: c.label, href: c.link }].concat(
        c.counts.map(function (x) { return { text: x.count, href: x.link }; }),
        [{ text: c.owed, href: c.link }, { text: rate(c.on_time_rate), num: true }]);
    });
    figure(grid, "提级管理企业与市属一级企业对比", cohortOption, table("分组对比（数据表）", cohortHead, cohortRows), {
      key: "cohorts",
      links: function (p) { return d.cohorts[p.seriesIndex] && d.cohorts[p.seriesIndex].counts[p.dataIndex].link; }
    });

    // The on-time rate, month by month.
    var lineOption = {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true }, tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.on_time.map(function (p) { return p.month; }), axisLabel: { fontSize: 11 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ name: "按时报送率", type: "line", showSymbol: false, itemStyle: { color: "#1f4e79" }, areaStyle: { opacity: 0.08 },
                 data: d.on_time.map(function (p) { return p.rate === null ? null : Math.round(p.rate * 1000) / 10; }) }]
    };
    var lineRows = d.on_time.map(function (p) {
      return [{ text: p.month, href: p.link }, p.owed, p.on_time, { text: rate(p.rate), num: true }];
    });
    figure(grid, "按时报送率（按月）", lineOption, table("按时报送率（数据表）", ["月份", "已到期", "按时报送", "按时报送率"], lineRows), {
      key: "ontime", fold: true, note: "每月末已过截止日期的事项中，首次报送在截止日期前的比例（不适用不计）。",
      links: function (p) { return d.on_time[p.dataIndex] && d.on_time[p.dataIndex].link; }
    });

    // The ten most overdue enterprises.
    var top = d.top_overdue.slice().reverse();
    var topOption = {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true }, tooltip: { trigger: "axis" },
      xAxis: { type: "value", minInterval: 1, name: "天" },
      yAxis: { type: "category", data: top.map(function (o) { return o.name.length > 10 ? o.name.slice(0, 10) + "…" : o.name; }), axisLabel: { fontSize: 11 } },
      series: [{ name: "逾期天数", type: "bar", itemStyle: { color: STATUS_COLORS.overdue }, data: top.map(function (o) { return o.days_late; }) }]
    };
    var topRows = d.top_overdue.map(function (o, i) {
      return [String(i + 1), { text: o.name, href: o.link }, o.cohort_label, { text: o.items, href: o.link }, o.days_late];
    });
    figure(grid, "逾期最久的十家企业", topOption, table("逾期企业（数据表）", ["序号", "企业", "分组", "逾期未报事项", "最长逾期（日历天）"], topRows), {
      key: "overdue",
      links: function (p) { return top[p.dataIndex] && top[p.dataIndex].link; }
    });

    // The year's grades.
    var g = d.grades;
    var gradeOption = {
      legend: LEGEND, tooltip: { trigger: "item" },
      series: [{ name: "等级", type: "pie", radius: ["35%", "65%"], top: 24,
                 data: g.counts.map(function (c, i) { return { name: c.grade, value: c.count, itemStyle: { color: GRADE_COLORS[i] } }; }) }]
    };
    var gradeTitle = (g.year ? g.year + "年度" : "") + "合规得分等级分布" + (g.locked ? "（已锁定）" : "（暂计）");
    figure(grid, gradeTitle, gradeOption,
      table("等级分布（数据表）", ["等级", "企业数"], g.counts.map(function (c) { return [c.grade, { text: c.count, href: c.link }]; })), {
        key: "grades", links: function () { return g.link; }
      });
  }

  function queueTable(caption, items) {
    return table(caption, ["企业", "任务", "版本", "报送时间", "已等待（天）"], items.map(function (i) {
      return [{ text: i.enterprise_name, href: i.link }, { text: i.obligation_code + " " + i.obligation_title, href: i.link },
              "第" + i.version_no + "版" + (i.resubmission ? "（退回后重报）" : "") + (i.has_draft ? "（有草稿）" : ""),
              cnDate(i.submitted_at), i.days_waiting];
    }));
  }

  function drawReview(body, d) {
    kpis(body, [
      { key: "waiting", label: "待审核", value: d.waiting, href: d.queue_link },
      { key: "oldest", label: "最久已等待", value: d.oldest_days === null ? "—" : d.oldest_days + " 天", href: d.queue_link },
      { key: "overdue", label: "超过 " + d.review_days + " 天未审", value: d.overdue, href: d.overdue_link, alert: d.overdue > 0 },
      { key: "drafts", label: "草稿未发布", value: d.drafts, href: d.queue_link },
      { key: "resubmissions", label: "退回后重报", value: d.resubmissions, href: d.queue_link }
    ]);
    var grid = el("div", { "class": "dash-grid" });
    body.appendChild(grid);
    var option = {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true }, tooltip: { trigger: "axis" },
      xAxis: categories(d.ages.map(function (a) { return a.label.replace("等待 ", "≥").replace(" 天及以上", "天"); })),
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "待审核", type: "bar", itemStyle: { color: "#e0b44c" }, data: d.ages.map(function (a) { return a.count; }) }]
    };
    figure(grid, "待审核的等待时间", option,
      table("等待时间（数据表）", ["等待", "份数"], d.ages.map(function (a) { return [{ text: a.label, href: a.link }, { text: a.count, href: a.link }]; })), {
        key: "ages", links: function (p) { return d.ages[p.dataIndex] && d.ages[p.dataIndex].link; }
      });
    var lists = el("div", { "class": "dash-figure" }, [
      el("p", { "class": "note", text: "点击企业或任务打开审核页面。" }),
      queueTable("等待最久的十份", d.oldest),
      queueTable("草稿未发布", d.draft_items),
      queueTable("退回后重报", d.resubmission_items)
    ]);
    grid.appendChild(lists);
  }

  function drawEnterprise(body, d) {
    var count = function (code) { return d.counts.filter(function (c) { return c.status === code; })[0]; };
    var score = d.score;
    kpis(body, [
      { key: "due", label: d.horizon_days + " 天内到期", value: d.due.length, href: d.workspace_link },
      { key: "overdue", label: "逾期未报", value: d.overdue, href: count("overdue").link, alert: d.overdue > 0 },
      { key: "returned", label: "退回待改", value: d.returned.length, href: count("returned").link, alert: d.returned.length > 0 },
      { key: "score", label: score ? score.year + "年度合规得分（已锁定）" : "合规得分", value: score ? score.total.toFixed(1) + " 分 · " + score.grade : "尚未公布" }
    ]);
    var grid = el("div", { "class": "dash-grid" });
    body.appendChild(grid);
    var shown = d.counts.filter(function (c) { return c.count > 0; });
    var labels = {};
    d.statuses.forEach(function (s) { labels[s.code] = s.label; });
    var option = {
      legend: LEGEND, tooltip: { trigger: "item" },
      series: [{ name: "本集团事项", type: "pie", radius: ["35%", "65%"], top: 24,
                 data: shown.map(function (c) { return { name: labels[c.status], value: c.count, itemStyle: { color: STATUS_COLORS[c.status] } }; }) }]
    };
    figure(grid, "本集团事项状态", option,
      table("事项状态（数据表）", ["状态", "事项数"], d.counts.map(function (c) { return [labels[c.status], { text: c.count, href: c.link }]; })), {
        key: "statuses", links: function (p) { return shown[p.dataIndex] && shown[p.dataIndex].link; }
      });
    var dueRows = d.due.map(function (i) {
      return [cnDate(i.due_on), { text: i.code + " " + i.title, href: i.link }, i.status_label, i.days_left];
    });
    var returnedRows = d.returned.map(function (r) {
      return [{ text: r.code + " " + r.title, href: r.link }, "第" + r.version_no + "版",
              r.reasons.join("、") + (r.comment ? "；" + r.comment : ""), r.resubmit_by ? cnDate(r.resubmit_by) : "—"];
    });
    grid.appendChild(el("div", { "class": "dash-figure", "data-chart": "due" }, [
      table("未来 " + d.horizon_days + " 天内到期（按日期）", ["截止日期", "任务", "状态", "剩余天数"], dueRows),
      table("退回待改", ["任务", "版本", "退回原因", "重新报送期限"], returnedRows)
    ]));
  }

  var DRAW = { overview: drawOverview, review: drawReview, enterprise: drawEnterprise };

  function load(section) {
    var status = section.querySelector(".dash-loading");
    var body = section.querySelector(".dash-body");
    fetch(section.getAttribute("data-endpoint"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error((data && (data.detail || data.message)) || "加载失败"); }
          return data;
        });
      })
      .then(function (data) {
        DRAW[section.getAttribute("data-desk")](body, data);
        charts.forEach(function (c) { c.resize(); });
        status.textContent = "";
        status.hidden = true;
        section.setAttribute("data-loaded", "true");
      })
      .catch(function (error) {
        status.textContent = "加载失败：" + error.message + "。请刷新页面重试。";
        status.classList.add("dash-error");
      });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });

  // On paper the folded tables are the numbers: unfold them for printing.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".dash-figure details").forEach(function (d) { d.open = true; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("section[data-endpoint]").forEach(load);
  });
})();
