#!/usr/bin/env python3
"""Writes a multi-document manifest of about SIZE megabytes: Deployments, Services and ConfigMaps in turn."""
import sys

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  labels:
    app: web-{i}
    tier: frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web-{i}
  template:
    metadata:
      labels:
        app: web-{i}
    spec:
      containers:
      - name: httpd
        image: "localhost/podplay-test/busybox:1.36"
        command: ["httpd", "-f", "-p", "8080"]
        ports:
        - containerPort: 8080
          name: http
          protocol: TCP
        env:
        - name: MODE
          value: "production"
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
          limits:
            cpu: 500m
            memory: 128Mi
        readinessProbe:
          httpGet:
            path: /
            port: http
          periodSeconds: 5
        volumeMounts:
        - name: data
          mountPath: /data
      volumes:
      - name: data
        emptyDir: {{}}
"""
SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web-{i}
spec:
  selector:
    app: web-{i}
  ports:
  - name: http
    port: 80
    targetPort: http
"""
CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: web-{i}-config
data:
  settings.ini: |
    [server]
    port = 8080
    workers = 4
  LOG_LEVEL: info
"""

def main():
    size = float(sys.argv[1]) * 1024 * 1024
    out = sys.stdout
    written, i = 0, 0
    while written < size:
        for t in (DEPLOYMENT, SERVICE, CONFIGMAP):
            doc = "---\n" + t.format(i=i)
            out.write(doc)
            written += len(doc)
        i += 1

main()
