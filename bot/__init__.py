"""Bussola's domain: vocabulary, Italian NLP pipeline, interview logic, stores.

Most modules here import neither Rasa nor TensorFlow, so their tests run in seconds.
"""
