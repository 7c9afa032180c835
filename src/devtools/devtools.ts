// The devtools_page: its only job is to create the "OAuth" panel.
import browser from 'webextension-polyfill';

void browser.devtools.panels.create('OAuth', '', '/src/devtools/panel.html');
