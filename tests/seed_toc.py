"""The seed's table of contents and the label each entry resolves to.

The seed links its entries with GitHub heading slugs (``#-qué-es-mlops``);
the handbook gives every chapter and section an explicit label instead.
This table is the bridge, checked both ways by test_book.py: every entry of
the seed's table of contents is listed here, and every label here exists in
the built book with the seed's heading text (emoji removed) as its title.
"""

SEED_TOC = {
    "#-qué-es-mlops": "cap-que-es-mlops",
    "#-por-qué-es-importante-mlops": "cap-por-que-es-importante",
    "#-ventajas-de-mlops": "sec-ventajas",
    "#%EF%B8%8F-mlops-vs-devops": "cap-mlops-vs-devops",
    "#-principios-fundamentales-de-mlops": "cap-principios",
    "#-casos-de-uso-de-mlops": "cap-casos-de-uso",
    "#-desafíos-en-la-implementación-de-mlops": "cap-desafios",
    "#%EF%B8%8F-arquitecturas-de-mlops": "cap-arquitecturas",
    "#-niveles-de-madurez-de-mlops": "sec-niveles-de-madurez",
    "#nivel-0-flujos-de-trabajo-manuales": "sec-nivel-0",
    "#nivel-1-entrenamiento-continuo": "sec-nivel-1",
    "#nivel-2-automatización-avanzada-y-escalabilidad": "sec-nivel-2",
    "#-tipos-de-arquitectura": "sec-tipos-de-arquitectura",
    "#arquitectura-de-aprendizaje-automático-clásico": "sec-arquitectura-clasica",
    "#arquitectura-de-visión-por-computadora-cv": "sec-arquitectura-cv",
    "#arquitectura-de-procesamiento-de-lenguaje-natural-nlp": "sec-arquitectura-nlp",
    "#-mejores-prácticas": "cap-mejores-practicas",
    "#-referencias": "cap-referencias",
}

# Where the book words a seed heading differently on purpose.
RETITLED = {
    "MLOps vs DevOps": "MLOps frente a DevOps",
    # "implantación" is adopting MLOps; "implementación" is kept for building.
    "Desafíos en la Implementación de MLOps": "Desafíos en la implantación de MLOps",
    # "Mejores prácticas" is a calque of "best practices".
    "Mejores Prácticas": "Buenas prácticas",
}
