# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
# Sphinx configuration of vxpath's guides: sphinx-build -b html doc/guides build/doc
project = 'vxpath'
copyright = '2026, The vxpath authors'
master_doc = 'index'
exclude_patterns = ['_build']
html_theme = 'alabaster'
