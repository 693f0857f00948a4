// Live inbox. The page works without this script (forms post and reload);
// it adds: new notifications appear as they arrive (server-sent events from
// the advisor's stream, which the session cookie authenticates; the browser
// resumes after the last id it saw when it reconnects), are announced to
// screen readers, and "mark read" works without a reload.
(function () {
  'use strict';
  var root = document.getElementById('boite');
  if (!root) return;
  var list = document.getElementById('notifications');
  var count = document.getElementById('non-lues');
  var announce = document.getElementById('annonces');
  var empty = document.getElementById('vide');
  var status = document.getElementById('direct');
  var unread = parseInt(root.dataset.unread, 10) || 0;
  var domain = root.dataset.domain || '';
  var baseTitle = document.title;
  var labels = {};
  Array.prototype.forEach.call(document.querySelectorAll('#domaine option'), function (o) {
    if (o.value) labels[o.value] = o.textContent;
  });

  function unreadText(n) {
    if (n === 0) return 'Aucune notification non lue';
    if (n === 1) return '1 notification non lue';
    return n + ' notifications non lues';
  }
  function showCount() {
    count.textContent = unreadText(unread);
    document.title = (unread > 0 ? '(' + unread + ') ' : '') + baseTitle;
  }
  function say(text) {
    // Cleared first, so that the same words twice are read twice.
    announce.textContent = '';
    setTimeout(function () { announce.textContent = text; }, 50);
  }
  var months = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
  function frenchDate(d) {
    var m = d.getMinutes();
    return (d.getDate() === 1 ? '1er' : d.getDate()) + ' ' + months[d.getMonth()] + ' ' + d.getFullYear() + ' à ' +
      d.getHours() + ' h ' + (m < 10 ? '0' : '') + m;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function hidden(name, value) {
    var i = el('input');
    i.type = 'hidden'; i.name = name; i.value = value;
    return i;
  }
  function srOnly(text) { return el('span', 'fr-sr-only', text); }

  // item builds a notification as the server renders it (inbox.html).
  function item(n) {
    var li = el('li', 'dk-item dk-item--unread');
    li.dataset.id = n.id;
    var h = el('h3', 'fr-h6 dk-item__title', n.title);
    h.id = 'n-' + n.id; h.tabIndex = -1;
    h.appendChild(document.createTextNode(' '));
    h.appendChild(el('span', 'fr-badge fr-badge--new fr-badge--sm dk-badge', 'Non lue'));
    li.appendChild(h);
    li.appendChild(el('p', 'dk-item__body', n.body));
    var meta = el('p', 'fr-text--sm dk-item__meta');
    var t = el('time', '', frenchDate(new Date(n.created_at)));
    t.setAttribute('datetime', n.created_at);
    meta.appendChild(t);
    var label = labels[n.kind.split('.')[0]];
    if (label) meta.appendChild(document.createTextNode(' · ' + label));
    li.appendChild(meta);
    var actions = el('p', 'dk-item__actions');
    var a = el('a', 'fr-link', 'Ouvrir le dossier');
    a.href = n.link;
    a.appendChild(srOnly(' : ' + n.title));
    actions.appendChild(a);
    li.appendChild(actions);
    var f = el('form', 'dk-mark');
    f.method = 'post'; f.action = '/boite/lu';
    f.appendChild(hidden('jeton', root.dataset.token));
    f.appendChild(hidden('retour', root.dataset.return));
    f.appendChild(hidden('id', String(n.id)));
    var b = el('button', 'fr-btn fr-btn--secondary fr-btn--sm', 'Marquer comme lue');
    b.type = 'submit';
    b.appendChild(srOnly(' : ' + n.title));
    f.appendChild(b);
    li.appendChild(f);
    return li;
  }

  function arrived(n) {
    if (list.querySelector('li[data-id="' + n.id + '"]')) return; // already shown
    if (!n.read_at) { unread++; showCount(); }
    if (domain && n.kind.split('.')[0] !== domain) return; // counted, not listed
    list.insertBefore(item(n), list.firstChild);
    empty.hidden = true;
    say('Nouvelle notification : ' + n.title);
  }

  if (window.EventSource) {
    var source = new EventSource(root.dataset.stream + '?after=' + encodeURIComponent(root.dataset.lastId));
    source.addEventListener('notification', function (e) {
      try { arrived(JSON.parse(e.data)); } catch (err) { /* a malformed event is skipped */ }
    });
    source.addEventListener('open', function () { status.hidden = true; });
    source.addEventListener('error', function () {
      if (source.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
      status.textContent = 'Les nouvelles notifications ne s\u2019affichent plus en direct (session expirée ?) : rechargez la page.';
      status.hidden = false;
    });
    root.dataset.live = 'on';
  }

  // markedRead updates an item marked read; the focus goes to its title,
  // so that keyboard users do not lose their place when the button goes.
  function markedRead(li) {
    li.classList.remove('dk-item--unread');
    var badge = li.querySelector('.dk-badge');
    if (badge) badge.remove();
    var f = li.querySelector('form.dk-mark');
    var hadFocus = f && f.contains(document.activeElement);
    if (f) f.remove();
    if (root.dataset.unreadOnly === 'true') {
      var next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      if (hadFocus && next) next.querySelector('.dk-item__title').focus();
      if (!list.children.length) empty.hidden = false;
    } else if (hadFocus) {
      li.querySelector('.dk-item__title').focus();
    }
  }

  document.addEventListener('submit', function (ev) {
    var f = ev.target;
    if (!f.classList || !f.classList.contains('dk-mark') || !window.fetch) return;
    ev.preventDefault();
    fetch(f.action, {
      method: 'POST', credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(f)).toString()
    }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (d) {
      unread = d.unread;
      showCount();
      var all = f.classList.contains('dk-mark--all');
      var items = all ? Array.prototype.slice.call(list.querySelectorAll('li.dk-item--unread')) : [f.closest('li')];
      items.forEach(function (li) { if (li) markedRead(li); });
      say(all ? 'Toutes les notifications sont marquées comme lues.' : 'Notification marquée comme lue.');
    }).catch(function () { f.submit(); }); // the form's own way, with a page
  });
  showCount();
})();
